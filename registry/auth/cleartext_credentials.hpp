// Whether a password (Basic credentials, or a token request carrying them) may travel to a
// URL: over TLS always; over plain HTTP only to loopback, or when the user said so
// explicitly (--allow-plain-http-credentials), with a warning once per origin.
#pragma once

#include "transport/http/proxy_selection.hpp"

#include "transport/error.hpp"

#include <boost/url/url_view.hpp>

#include <string_view>

namespace regmigrate::registry {

enum class CleartextCredentials {
    allowed,          // https, or plain HTTP to a loopback host
    allowed_by_user,  // plain HTTP elsewhere, which the user allowed: warn
    refused,          // plain HTTP elsewhere
};

// Loopback as written in the URL, without asking DNS (its answer could change between this
// check and the connection): 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104 and "localhost". Any
// other name, even one that resolves to loopback today, is treated as remote.
bool is_loopback_host(boost::urls::url_view url);

// Pure: the decision for sending a password to `url`. proxied: the request goes through a
// forward proxy, so a loopback name means the proxy's own host and crosses the network.
CleartextCredentials cleartext_credentials(boost::urls::url_view url, bool allowed_by_user,
                                           bool proxied = false);

// The decision carried out: an error (ErrorKind::unauthorized) naming whose credentials and
// the origin when refused, a warning logged once per origin and process when only the
// user's flag allows it.
// proxy: the client's proxy rules, which say whether url goes through a proxy (none: direct).
Expected<void> permit_cleartext_credentials(boost::urls::url_view url, bool allowed_by_user,
                                            std::string_view whose,
                                            const transport::ProxyRules& proxy = {});

}  // namespace regmigrate::registry
