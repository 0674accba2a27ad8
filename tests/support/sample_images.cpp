#include "tests/support/sample_images.hpp"

#include "tools/fleet/byte_source.hpp"

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

}  // namespace regmigrate::testing
