// WWW-Authenticate challenges (RFC 7235) and the token request they lead to.
#pragma once

#include "transport/error.hpp"

#include <boost/url/url.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

struct AuthChallenge {
    std::string scheme;                         // lowercased: "basic", "bearer"
    std::map<std::string, std::string> params;  // names lowercased, values unquoted
    std::string token68;                        // set instead of params for token68 form

    // The value of a parameter (name matched case-insensitively), or "" if absent.
    std::string param(std::string_view name) const;
};

// Every challenge in a header value. Malformed input (unterminated quotes, a parameter
// without a value, a repeated parameter name) is a protocol error.
Expected<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header_value);

// "repository:NAME:ACTIONS", e.g. repository_scope("a/b", "pull,push").
std::string repository_scope(std::string_view repository, std::string_view actions);

// REALM?service=SERVICE&scope=S1&scope=S2 (empty service and scopes are left out). The
// realm must be an absolute http(s) URL: it comes from a peer and decides where our
// credentials go.
Expected<boost::urls::url> token_request_url(std::string_view realm, std::string_view service,
                                             const std::vector<std::string>& scopes);

}  // namespace regmigrate::registry
