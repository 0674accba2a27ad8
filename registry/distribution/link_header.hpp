// RFC 8288 Link headers, as registries use them to paginate catalog and tag lists.
#pragma once

#include "transport/error.hpp"

#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <optional>
#include <string_view>

namespace regmigrate::registry {

// The rel="next" target resolved against the request URL, or nullopt without one. A next
// link to another scheme or host:port is refused (protocol error): following it would send
// our credentials to a server the user never named.
Expected<std::optional<boost::urls::url>> next_page_url(std::string_view link_header_value,
                                                        boost::urls::url_view request_url);

}  // namespace regmigrate::registry
