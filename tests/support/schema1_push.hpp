// Pushes a signed schema1 test image into a registry as an old Docker client did: its layer
// blobs first, then the signed manifest under its tag.
#pragma once

#include "tests/support/schema1_signer.hpp"
#include "transport/error.hpp"

#include <string>

namespace regmigrate::testing {

// Returns the Docker-Content-Digest the registry answered; an error names the refusal.
Expected<std::string> push_schema1_image(const std::string& registry_host,
                                         const Schema1TestImage& image);

}  // namespace regmigrate::testing
