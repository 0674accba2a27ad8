// `regmigrate migrate` when V1_REGISTRY = V2_REGISTRY: the registry is replaced in place.
//   1. export: every selected image into OCI layouts under the staging directory, then the
//      export marker (skipped when an earlier run completed it);
//   2. switch: the operator replaces the registry; on a terminal they press Enter,
//      unattended the host is probed until the new registry answers (bounded);
//   3. import: the exported layouts into the new registry.
// Each phase resumes: the layouts are content-addressed and deduplicated, the marker says
// the export is complete and whether the switch has been seen. The decisions are the pure
// functions of engine/run/same_host_migration.hpp.
#pragma once

#include "engine/run/migration.hpp"

#include <chrono>
#include <filesystem>

namespace regmigrate::engine {

struct InPlaceMigration {
    SyncPair export_pair;               // the old registry → oci:STAGING, filters applied
    RegistrySide new_registry;          // the same host as the destination (V2_* settings)
    std::filesystem::path staging_dir;  // STAGING
    std::chrono::seconds switch_timeout{3600};
    bool prompt = false;  // USER_PROMPT on a terminal: confirm the plan, ask for the switch
    // V1_REGISTRY as given: the source's API is probed (and named) only when the export
    // still has to run.
    std::string source_given;
};

// Runs the phases still to do.
MigrationOutcome migrate_in_place(const InPlaceMigration& migration, const SyncOptions& options,
                                  const MigrationFrontend& frontend);

}  // namespace regmigrate::engine
