#include "tools/fleet/fleet_plan.hpp"

#include "tools/fleet/byte_source.hpp"

#include <cstdio>

namespace regmigrate::fleet {

namespace {

// Independent seed streams for the different decisions, so changing one share does not
// reshuffle the others.
enum Stream : std::uint64_t {
    kBase = 1,
    kUnique = 2,
    kMultiarch = 3,
    kFormat = 4,
    kExtraUnique = 5,  // own layers after the first: the first keeps its historical seeds
};

std::uint64_t stream_seed(std::uint64_t seed, Stream stream, std::uint64_t index) {
    return derive_seed(derive_seed(seed, stream), index);
}

// True for roughly `share` of indexes, decided by the seed.
bool chosen(std::uint64_t seed, Stream stream, std::uint64_t index, double share) {
    const double draw = static_cast<double>(stream_seed(seed, stream, index) >> 11) * 0x1.0p-53;
    return draw < share;
}

std::string numbered(const char* stem, std::size_t n) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s%04zu", stem, n);
    return buffer;
}

}  // namespace

std::vector<LayerPlan> plan_base_layers(const FleetSpec& spec) {
    std::vector<LayerPlan> layers;
    for (std::size_t k = 0; k < spec.base_layers; ++k) {
        layers.push_back(LayerPlan{stream_seed(spec.seed, kBase, k), spec.base_layer_size, true});
    }
    return layers;
}

std::vector<ImagePlan> plan_fleet(const FleetSpec& spec) {
    const std::vector<LayerPlan> base = plan_base_layers(spec);
    const Platform platforms[] = {{"linux", "amd64"}, {"linux", "arm64"}};
    std::vector<ImagePlan> images;
    images.reserve(spec.repositories * spec.tags);
    for (std::size_t r = 0; r < spec.repositories; ++r) {
        for (std::size_t t = 0; t < spec.tags; ++t) {
            const std::uint64_t index = r * spec.tags + t;
            ImagePlan image;
            image.repository = spec.prefix + "/" + numbered("app-", r);
            image.tag = numbered("v", t);
            image.format = chosen(spec.seed, kFormat, index, spec.oci_share)
                               ? ManifestFormat::oci
                               : ManifestFormat::docker;
            const std::size_t platform_count =
                chosen(spec.seed, kMultiarch, index, spec.multiarch_share) ? 2 : 1;
            for (std::size_t p = 0; p < platform_count; ++p) {
                PlatformPlan platform{platforms[p], base};
                for (std::size_t u = 0; u < spec.unique_layers; ++u) {
                    const std::uint64_t own = index * 2 + p;
                    const std::uint64_t seed =
                        u == 0 ? stream_seed(spec.seed, kUnique, own)
                               : stream_seed(derive_seed(spec.seed, u), kExtraUnique, own);
                    platform.layers.push_back(LayerPlan{seed, spec.unique_layer_size, false});
                }
                image.platforms.push_back(std::move(platform));
            }
            images.push_back(std::move(image));
        }
    }
    return images;
}

}  // namespace regmigrate::fleet
