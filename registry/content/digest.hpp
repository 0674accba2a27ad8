// Content digests as the OCI image spec defines them: "algorithm:encoded".
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

// Grammar check. Registered algorithms are held to their exact form (sha256: 64 lowercase
// hex, sha512: 128); any other algorithm is accepted when it matches the OCI grammar
// algorithm := [a-z0-9]+([+._-][a-z0-9]+)*, encoded := [a-zA-Z0-9=_-]+.
bool is_valid_digest(std::string_view digest);

// The digest itself, or an invalid_argument error naming it.
Expected<std::string> validate_digest(std::string_view digest);

}  // namespace regmigrate::registry
