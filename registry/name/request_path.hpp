// The path of a request URL built from names that came from outside. Boost.URL throws on
// a path whose '%' does not start a valid escape (a tag "v1%" in a layout's index.json):
// such a path is set as plain text instead, its '%' escaped, so the server refuses the name
// and the image fails on its own rather than the process aborting.
#pragma once

#include <boost/url/pct_string_view.hpp>
#include <boost/url/url.hpp>

#include <string_view>

namespace regmigrate::registry {

inline void set_request_path(boost::urls::url& url, std::string_view path) {
    if (auto encoded = boost::urls::make_pct_string_view(path))
        url.set_encoded_path(*encoded);
    else
        url.set_path(path);
}

}  // namespace regmigrate::registry
