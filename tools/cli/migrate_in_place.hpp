// `regmigrate migrate` when V1_REGISTRY = V2_REGISTRY: the registry is replaced in place.
//   1. export: every selected image into OCI layouts under the staging directory, then the
//      export marker (skipped when an earlier run completed it);
//   2. switch: the operator replaces the registry; on a terminal they press Enter,
//      unattended the host is probed until the new registry answers (bounded);
//   3. import: the exported layouts into the new registry.
// Each phase resumes: the layouts are content-addressed and deduplicated, the marker says
// the export is complete and whether the switch has been seen.
#pragma once

#include "engine/plan/registry_api.hpp"
#include "engine/run/sync_job.hpp"
#include "tools/cli/side_options.hpp"

#include <chrono>
#include <filesystem>
#include <optional>

namespace regmigrate::cli {

struct InPlaceMigration {
    engine::SyncPair export_pair;       // the old registry → oci:STAGING, filters applied
    engine::RegistrySide new_registry;  // the same host as the destination (V2_* settings)
    std::filesystem::path staging_dir;  // STAGING
    std::chrono::seconds switch_timeout{3600};
    bool prompt = false;  // USER_PROMPT on a terminal: confirm the plan, ask for the switch
};

// Runs the phases still to do; returns the exit code. `probe_source` tells what the old
// registry speaks; it is called only when the export still has to run.
int migrate_in_place(const InPlaceMigration& migration, const engine::SyncOptions& options,
                     const CommonFlags& common,
                     const std::function<Expected<engine::RegistryApi>()>& probe_source);

}  // namespace regmigrate::cli
