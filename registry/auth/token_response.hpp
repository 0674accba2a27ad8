// The token server's reply to a bearer token request (docker token authentication spec).
#pragma once

#include "transport/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace regmigrate::registry {

struct TokenResponse {
    std::string token;
    std::chrono::seconds expires_in{60};
};

// Floor and default per the docker token spec; the ceiling keeps "now + expires_in"
// arithmetic in range whatever a peer sends.
inline constexpr std::chrono::seconds min_token_lifetime{60};
inline constexpr std::chrono::seconds max_token_lifetime{std::chrono::hours(24 * 365)};

// {"token": .., "access_token": .., "expires_in": .., "issued_at": ..}: "token" preferred,
// "access_token" accepted (OAuth2 servers); expires_in clamped to the limits above.
Expected<TokenResponse> parse_token_response(std::string_view json);

}  // namespace regmigrate::registry
