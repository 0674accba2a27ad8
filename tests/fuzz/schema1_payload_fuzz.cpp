// A signed schema1 manifest comes from the source registry: its signatures' protected
// headers (base64url JSON with formatLength and formatTail) say which bytes are the payload
// whose digest the registry reports. Hostile headers must be refused, never read past the
// document, and a payload that is given back must be the one the digest is computed from.
#include "registry/content/digest.hpp"
#include "registry/content/sha256.hpp"
#include "registry/types/media_types.hpp"
#include "registry/types/schema1_payload.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = regmigrate::fuzz::as_text(data, size);
    const auto payload = schema1_payload(bytes);
    const auto digest = manifest_digest(bytes, media_type::docker_schema1_signed);
    require(payload.has_value() == digest.has_value(), "the digest exists exactly with a payload");
    if (!payload) {
        require(!payload.error().message.empty(), "a refused manifest says why");
        return 0;
    }
    require(is_valid_digest(*digest), "a payload's digest is a valid digest");
    require(*digest == sha256_digest(*payload), "the digest is the payload's");
    return 0;
}
