#include "tests/support/sample_images.hpp"

#include "tests/support/image_contents.hpp"
#include "tools/fleet/byte_source.hpp"

#include <algorithm>
#include <iterator>

namespace regmigrate::testing {

namespace {

constexpr std::uint64_t kBaseSeed = 0xba5e;
constexpr std::uint64_t kBaseLayerSize = 8 * 1024;
constexpr std::uint64_t kUniqueLayerSize = 3 * 1024;

}  // namespace

fleet::ImagePlan sample_image(const std::string& repository, const std::string& tag,
                              fleet::ManifestFormat format, std::size_t platforms,
                              std::uint64_t seed) {
    const fleet::Platform choices[] = {{"linux", "amd64"}, {"linux", "arm64"}};
    fleet::ImagePlan image{repository, tag, format, {}};
    for (std::size_t p = 0; p < platforms && p < std::size(choices); ++p) {
        fleet::PlatformPlan platform{choices[p], {}};
        for (std::size_t b = 0; b < kSampleBaseLayers; ++b) {
            platform.layers.push_back({fleet::derive_seed(kBaseSeed, b), kBaseLayerSize, true});
        }
        platform.layers.push_back(
            {fleet::derive_seed(fleet::derive_seed(seed, p), 1), kUniqueLayerSize, false});
        image.platforms.push_back(std::move(platform));
    }
    return image;
}

fleet::TaggedImage push_image(const std::string& registry_host, const fleet::ImagePlan& plan) {
    fleet::RegistryWriter writer({registry_host});
    fleet::PushedBlobs blobs;
    return fleet::ImagePusher(writer, blobs).push(plan).value();
}

Expected<void> push_unreadable_image(const std::string& registry_host,
                                     const std::filesystem::path& storage_dir,
                                     const std::string& repository, const std::string& tag) {
    push_image(registry_host, sample_image(repository, tag, fleet::ManifestFormat::docker, 1, 99));
    fleet::RegistryWriter reader({registry_host});
    const auto blobs = referenced_blobs(reader, repository, tag);
    if (!blobs)
        return blobs.error();
    const auto layer =
        std::max_element(blobs->begin(), blobs->end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (layer == blobs->end())
        return make_error(ErrorKind::not_found, repository + ":" + tag + " references no blob");
    const std::string hex = layer->first.substr(std::string("sha256:").size());
    const auto data =
        storage_dir / "docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
    if (!std::filesystem::remove(data))
        return make_error(ErrorKind::not_found, "no blob data at " + data.string());
    return {};
}

}  // namespace regmigrate::testing
