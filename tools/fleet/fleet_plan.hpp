// What a fleet contains, decided purely from a FleetSpec: repositories, tags, which
// images are multi-arch or OCI, and the seed and size of every layer. The same spec
// always plans the same fleet, so digests are reproducible across runs.
#pragma once

#include "tools/fleet/image_builder.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace regmigrate::fleet {

struct FleetSpec {
    std::size_t repositories = 10;
    std::size_t tags = 10;        // per repository
    std::size_t base_layers = 2;  // shared by every image
    std::uint64_t base_layer_size = 1024 * 1024;
    std::uint64_t unique_layer_size = 64 * 1024;  // bytes of each own layer
    std::size_t unique_layers = 1;                // own layers per image and platform
    double multiarch_share = 0.2;                 // images pushed as linux/amd64 + linux/arm64
    double oci_share = 0.5;                       // images with OCI rather than Docker media types
    std::uint64_t seed = 1;
    std::string prefix = "fleet";  // repository namespace
};

struct LayerPlan {
    std::uint64_t seed = 0;  // ByteSource seed of the content
    std::uint64_t size = 0;
    bool shared = false;  // a base layer, present in every repository
};

struct PlatformPlan {
    Platform platform;
    std::vector<LayerPlan> layers;
    std::string created = default_created;  // the config's `created`; empty: none
};

struct ImagePlan {
    std::string repository;
    std::string tag;
    ManifestFormat format = ManifestFormat::docker;
    std::vector<PlatformPlan> platforms;  // more than one: pushed as an index

    bool multiarch() const { return platforms.size() > 1; }
};

std::vector<LayerPlan> plan_base_layers(const FleetSpec& spec);
// Repository-major order: every tag of repository 0, then repository 1, ...
std::vector<ImagePlan> plan_fleet(const FleetSpec& spec);

}  // namespace regmigrate::fleet
