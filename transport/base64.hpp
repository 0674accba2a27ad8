// Base64 (RFC 4648 section 4) and base64url (section 5) on OpenSSL, for Basic auth, JWTs
// and Pushgateway labels.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace regmigrate {

std::string base64_encode(std::string_view bytes);
// nullopt when the input is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);
// URL-safe alphabet; JWT segments use it without padding (RFC 7515), the Pushgateway with.
std::string base64url_encode(std::string_view bytes, bool padded = false);
// URL-safe alphabet, padding optional (JWS segments leave it out); nullopt when invalid.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace regmigrate
