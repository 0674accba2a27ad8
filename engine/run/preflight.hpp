// The preflight: before any listing or transfer, every registry of the plan is reached
// (DNS, TCP, TLS with the configured trust), asked GET /v2/ with the configured
// credentials (the token dance included), and each destination proves it may push to a
// repository of the plan: a blob upload session is opened there with push scope and
// cancelled at once (POST + DELETE, nothing stored) — the one proof that holds for basic
// auth, tokens and registries with their own ACLs alike. OCI layout directories are
// checked readable (source) or writable (destination). The first failure is one line
// naming the registry, the side, the user (never the secret) and the cause in words.
#pragma once

#include "engine/plan/preflight_settings.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/copy_job.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace regmigrate::engine {

enum class PreflightRole { source, destination };

// One registry (or layout directory) the preflight checks.
struct PreflightTarget {
    PreflightRole role = PreflightRole::source;
    RegistrySide side;
    std::optional<std::filesystem::path> layout;  // set: an oci: directory, no registry
    bool v1 = false;                              // a source speaking only the v1 API
    // A destination's repository where push is proven; "" when none is known before
    // listing (the plan discovers its repositories from the source's catalog).
    std::string push_repository;
    // False for an ECR destination not logged in yet (a dry run): reached, not authorized.
    bool authorize = true;
};

// The registries of a sync plan, each (role, host) once. v1_sources: per pair, whether
// its source speaks only v1; writes: the run pushes (sync and dry runs; not verify);
// ecr_logged_in: ECR destinations carry their login.
std::vector<PreflightTarget> preflight_targets(const SyncPlan& plan,
                                               const std::vector<bool>& v1_sources, bool writes,
                                               bool ecr_logged_in);
// The two ends of a copy.
std::vector<PreflightTarget> preflight_targets(const CopyJob& job);

// "source registry.example" / "destination oci:/srv/images".
std::string describe_target(const PreflightTarget& target);

// The one line for a failed check: "destination 127.0.0.1:5000: credentials for alice
// refused (/v2/: HTTP 401: UNAUTHORIZED: authentication required)". push: the failure was
// the push proof, not GET /v2/.
std::string describe_preflight_failure(const PreflightTarget& target, const Error& error, bool push,
                                       const std::string& certs_dir);

// Whether a layout directory can be used: a source must be a readable directory; a
// destination a writable directory, or creatable under its nearest existing parent.
Expected<void> check_layout_directory(const std::filesystem::path& directory, PreflightRole role);

// Runs the checks in order; the first failure is an invalid_argument error (exit 2)
// whose message is describe_preflight_failure's line.
Expected<void> run_preflight(const std::vector<PreflightTarget>& targets,
                             const PreflightSettings& settings);

}  // namespace regmigrate::engine
