// index.json of an OCI image layout comes from a directory anyone may have written: it is
// parsed, its tags checked against the tag grammar, and each tag put in a request path as
// `copy oci:DIR REGISTRY/REPO` does (a tag "v1%" once aborted the process there).
#include "registry/content/digest.hpp"
#include "registry/layout/oci_layout_index.hpp"
#include "registry/name/reference.hpp"
#include "registry/name/request_path.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto index = parse_oci_layout_index(regmigrate::fuzz::as_text(data, size));
    if (!index) {
        require(!index.error().message.empty(), "a refused index says why");
        return 0;
    }
    for (const auto& entry : index->manifests) {
        require(is_valid_digest(entry.digest), "every entry has a valid digest");
    }
    for (const auto& tag : index->ref_names()) {
        const auto valid = check_tag(tag, "index.json");
        require(valid.has_value() == is_valid_tag(tag), "check_tag applies the tag grammar");
        boost::urls::url url("https://registry.example");
        set_request_path(url, "/v2/app/manifests/" + tag);
        require(!url.encoded_path().empty(), "every tag makes a request path");
    }
    const auto again = parse_oci_layout_index(serialize_oci_layout_index(*index));
    require(again.has_value(), "a parsed index serializes to one that parses");
    require(again->manifests.size() == index->manifests.size(), "serializing keeps every entry");
    return 0;
}
