// Image references as users type them: a parsed reference is canonical, so printing and
// parsing it again gives the same value.
#include "registry/content/digest.hpp"
#include "registry/name/reference.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = regmigrate::fuzz::as_text(data, size);
    const auto ref = parse_reference(text);
    if (!ref) {
        require(!ref.error().message.empty(), "a refused reference says why");
        return 0;
    }
    require(!ref->registry.empty(), "a reference has a registry");
    require(is_valid_repository(ref->repository), "the repository is valid");
    require(ref->tag.empty() || is_valid_tag(ref->tag), "the tag is empty or valid");
    require(ref->digest.empty() || is_valid_digest(ref->digest), "the digest is empty or valid");

    const auto again = parse_reference(ref->to_string());
    require(again.has_value(), "to_string() parses again");
    require(again->registry == ref->registry, "round trip keeps the registry");
    require(again->repository == ref->repository, "round trip keeps the repository");
    require(again->tag == ref->tag, "round trip keeps the tag");
    require(again->digest == ref->digest, "round trip keeps the digest");
    return 0;
}
