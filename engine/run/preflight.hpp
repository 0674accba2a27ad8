// The preflight: before any listing or transfer, every registry of the plan is reached
// (DNS, TCP, TLS with the configured trust), asked GET /v2/ with the configured
// credentials (the token dance included), and each destination proves it may push to a
// repository of the plan: a blob upload session is opened there with push scope and
// cancelled at once (POST + DELETE, nothing stored) — the one proof that holds for basic
// auth, tokens and registries with their own ACLs alike. OCI layout directories are
// checked readable (source) or writable (destination). The first failure is one line
// naming the registry, the side, the user (never the secret) and the cause in words.
// Every registry is checked at once: where they are far away, the start of a run costs one
// connection and one round trip or two, not that many per registry. A source's first
// request, GET /v2/ without credentials, also tells which API it speaks (v2, or the legacy
// v1), so the run needs no probe of its own.
#pragma once

#include "engine/plan/preflight_settings.hpp"
#include "engine/plan/registry_api.hpp"
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
    // A source whose API is found first (engine/plan/registry_api.hpp); the check then
    // holds for that API. Not for layouts or Docker Hub (always v2).
    bool detect_api = false;
    // A destination's repository where push is proven; "" when none is known before
    // listing (the plan discovers its repositories from the source's catalog).
    std::string push_repository;
    // False for an ECR destination not logged in yet (a dry run): reached, not authorized.
    bool authorize = true;
};

// The registries of a sync plan, each (role, host) once. writes: the run pushes (sync and
// dry runs; not verify); ecr_logged_in: ECR destinations carry their login.
std::vector<PreflightTarget> preflight_targets(const SyncPlan& plan, bool writes,
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

// Per target, in the targets' order: the API a detect_api target speaks; nullopt for the
// others, and where it could not be told.
using TargetApis = std::vector<std::optional<RegistryApi>>;

// Runs every check at once; the first failure in the targets' order is an invalid_argument
// error (exit 2) whose message is describe_preflight_failure's line. Disabled, it checks
// nothing but still finds the APIs (a source it cannot reach is then taken for v2).
Expected<TargetApis> run_preflight(const std::vector<PreflightTarget>& targets,
                                   const PreflightSettings& settings);

// Whether the source target named host was found to speak only the v1 API.
bool source_speaks_v1(const std::vector<PreflightTarget>& targets, const TargetApis& apis,
                      const std::string& host);

}  // namespace regmigrate::engine
