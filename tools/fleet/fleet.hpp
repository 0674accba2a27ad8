// Fills a registry with a planned fleet, several writer threads at once.
#pragma once

#include "tools/fleet/fleet_plan.hpp"
#include "tools/fleet/image_pusher.hpp"
#include "tools/fleet/registry_writer.hpp"
#include "transport/error.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace regmigrate::fleet {

struct FleetSummary {
    std::size_t images = 0;        // tags pushed
    std::size_t manifests = 0;     // image manifests plus indexes
    std::size_t unique_blobs = 0;  // distinct layers and configs
    std::uint64_t unique_blob_bytes = 0;
    std::vector<TaggedImage> tagged;  // in plan order
};

// Each of `jobs` threads owns a RegistryWriter built from `writer` and pushes whole
// repositories; base layers are uploaded once first and mounted everywhere else.
// Stops at the first failure and returns it.
Expected<FleetSummary> push_fleet(const FleetSpec& spec, const WriterOptions& writer,
                                  unsigned jobs);

}  // namespace regmigrate::fleet
