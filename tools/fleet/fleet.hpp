// Fills a registry with a planned fleet, several writer threads at once: over HTTP, or
// straight into a stopped registry's storage directory. Same spec, same digests.
#pragma once

#include "tools/fleet/fleet_plan.hpp"
#include "tools/fleet/image_pusher.hpp"
#include "tools/fleet/image_sink.hpp"
#include "tools/fleet/registry_writer.hpp"
#include "transport/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace regmigrate::fleet {

struct FleetSummary {
    std::size_t images = 0;        // tags pushed
    std::size_t manifests = 0;     // image manifests plus indexes
    std::size_t unique_blobs = 0;  // distinct layers and configs
    std::uint64_t unique_blob_bytes = 0;
    std::vector<TaggedImage> tagged;  // in plan order
};

// Called once per writing thread (and once for the base layers).
using SinkFactory = std::function<std::unique_ptr<ImageSink>()>;

// Each of `jobs` threads owns a sink from `make_sink` and writes whole repositories;
// base layers are written once first and mounted everywhere else. Stops at the first
// failure and returns it.
Expected<FleetSummary> write_fleet(const FleetSpec& spec, const SinkFactory& make_sink,
                                   unsigned jobs);

// HTTP mode: one RegistryWriter built from `writer` per thread.
Expected<FleetSummary> push_fleet(const FleetSpec& spec, const WriterOptions& writer,
                                  unsigned jobs);

// Storage mode: a StorageWriter on `storage_root`, the storage.filesystem.rootdirectory
// of a docker-registry that is not running while this writes.
Expected<FleetSummary> store_fleet(const FleetSpec& spec, const std::filesystem::path& storage_root,
                                   unsigned jobs);

}  // namespace regmigrate::fleet
