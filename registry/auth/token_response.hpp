// The token server's reply to a bearer token request (docker token authentication spec).
#pragma once

#include "transport/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace regmigrate::registry {

// The default when expires_in is absent, per the docker token spec. The spec also asks
// servers for at least 60 s, but a server that issues shorter tokens refuses them sooner:
// its word is taken, down to one second. The ceiling keeps "now + expires_in" arithmetic in
// range whatever a peer sends.
inline constexpr std::chrono::seconds default_token_lifetime{60};
inline constexpr std::chrono::seconds min_token_lifetime{1};
inline constexpr std::chrono::seconds max_token_lifetime{std::chrono::hours(24 * 365)};

struct TokenResponse {
    std::string token;
    std::chrono::seconds expires_in = default_token_lifetime;
};

// {"token": .., "access_token": .., "expires_in": .., "issued_at": ..}: "token" preferred,
// "access_token" accepted (OAuth2 servers); expires_in clamped to the limits above.
Expected<TokenResponse> parse_token_response(std::string_view json);

}  // namespace regmigrate::registry
