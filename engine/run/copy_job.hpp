// `regmigrate copy`: one tag, one digest, or every tag of a repository, with --jobs images
// in flight at once.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/plan/preflight_settings.hpp"
#include "engine/plan/registry_side.hpp"
#include "engine/referrers/referrer_finder.hpp"
#include "engine/run/run_report.hpp"
#include "registry/layout/oci_layout_reference.hpp"
#include "registry/name/reference.hpp"

#include <optional>

namespace regmigrate::engine {

// The byte bound on transfers in flight when none is given: a registry ingests a few GiB
// at a time comfortably; more only queues on its side.
inline constexpr std::uint64_t default_max_inflight_bytes = 8ull << 30;

struct CopyJob {
    registry::Reference source;       // no tag and no digest: every tag
    registry::Reference destination;  // no tag: the source's tag (or digest)
    // Set: that side is an OCI image layout, and the Reference (and side) above is unused.
    std::optional<registry::OciLayoutReference> source_layout;
    std::optional<registry::OciLayoutReference> destination_layout;
    RegistrySide source_side;
    RegistrySide destination_side;
    std::size_t jobs = 8;  // images at once, and blob transfers at once
    std::uint64_t max_inflight_bytes = default_max_inflight_bytes;
    CopyOptions copy;
    // --skip-existing: an image the destination already serves under the target is
    // reported skipped and not written again.
    bool skip_existing = false;
    ReferrerOptions referrers;    // --referrers: attached artifacts follow each image
    PreflightSettings preflight;  // both ends checked before the source is listed
};

// Checks the combination before anything runs (usage errors: exit 2).
Expected<void> validate(const CopyJob& job);

// Runs the job to completion on its own event loop. Per-image failures are records in the
// report; the error return is for failures before any image could start (listing, auth).
Expected<RunReport> run_copy(const CopyJob& job, metrics::Metrics& metrics);

}  // namespace regmigrate::engine
