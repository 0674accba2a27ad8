// Small synthetic images for copy tests, pushed with fleet::ImagePusher. Every sample
// shares the same base layers, so two samples overlap in exactly those blobs.
#pragma once

#include "tools/fleet/image_pusher.hpp"

#include "transport/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace regmigrate::testing {

inline constexpr std::size_t kSampleBaseLayers = 2;

// One image per platform (linux/amd64, then linux/arm64; more than one: pushed as an
// index): the shared base layers plus one layer unique to `seed` and the platform.
fleet::ImagePlan sample_image(const std::string& repository, const std::string& tag,
                              fleet::ManifestFormat format, std::size_t platforms = 1,
                              std::uint64_t seed = 1);

// Pushes anonymously over plain HTTP; throws ErrorException when the registry refuses.
fleet::TaggedImage push_image(const std::string& registry_host, const fleet::ImagePlan& plan);

// Pushes a one-platform docker sample, then deletes its largest blob (a layer, never the
// config) from the registry's filesystem storage: the manifest is served, the layer is not.
Expected<void> push_unreadable_image(const std::string& registry_host,
                                     const std::filesystem::path& storage_dir,
                                     const std::string& repository, const std::string& tag);

}  // namespace regmigrate::testing
