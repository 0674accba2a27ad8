// Manifests come from the source registry; we parse them to learn which blobs to copy.
// The first input byte picks the Content-Type the registry claimed, the rest is the body.
#include "registry/content/digest.hpp"
#include "registry/types/manifest.hpp"
#include "registry/types/media_types.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <array>

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

namespace {

constexpr std::array<std::string_view, 10> content_types = {
    "",
    "application/json",
    "application/octet-stream",
    media_type::docker_manifest,
    media_type::docker_manifest_list,
    media_type::oci_manifest,
    media_type::oci_index,
    media_type::docker_schema1,
    media_type::docker_schema1_signed,
    "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
};

void require_valid(const Descriptor& descriptor) {
    require(is_valid_digest(descriptor.digest), "every descriptor has a valid digest");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto content_type = content_types[data[0] % content_types.size()];
    const auto body = regmigrate::fuzz::as_text(data + 1, size - 1);
    const auto manifest = parse_manifest(body, content_type);
    if (!manifest) {
        require(!manifest.error().message.empty(), "a refused manifest says why");
        return 0;
    }
    require(is_manifest_media_type(manifest->media_type), "the effective type is a manifest type");
    require(manifest->layers.empty() || manifest->manifests.empty(),
            "a manifest has layers or children, never both");
    require(manifest->is_index() || manifest->manifests.empty(), "only indexes have children");
    for (const auto& child : manifest->manifests) {
        require_valid(child);
    }
    for (const auto& blob : manifest->blobs()) {
        require_valid(blob);
    }
    if (manifest->subject) {
        require_valid(*manifest->subject);
    }
    return 0;
}
