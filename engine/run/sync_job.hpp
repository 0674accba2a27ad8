// `regmigrate sync` and `regmigrate verify`: producers enumerate the plan into a bounded
// queue, a fixed pool of worker coroutines over several threads copies (or checks) images.
#pragma once

#include "engine/plan/error_action.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/copy_job.hpp"
#include "engine/run/endpoint_breaker.hpp"
#include "engine/run/preflight.hpp"
#include "engine/run/record_spill.hpp"
#include "engine/run/run_report.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>

namespace regmigrate::engine {

enum class SyncMode {
    sync,     // copy what differs
    verify,   // compare digests and check every referenced blob exists at the destination
    dry_run,  // enumerate and size the plan; write nothing
};

struct JournalSettings {
    std::filesystem::path path;
    // The state-directory default rather than a --journal the user named: removed after a
    // complete run (nothing is left to resume), and a run goes on without it when it cannot
    // be opened.
    bool is_default = false;
};

struct SyncOptions {
    SyncMode mode = SyncMode::sync;
    std::size_t jobs = 32;    // worker coroutines in all
    std::size_t threads = 1;  // event loops the workers are spread over
    // Blob transfers in flight at once; 0: twice jobs when tuned, else jobs.
    std::size_t max_transfers = 0;
    // Tune the transfers in flight by AIMD (engine/copy/adaptive_limit.hpp) below that bound,
    // starting at half of it; off: always the bound.
    bool adaptive_transfers = true;
    std::uint64_t max_inflight_bytes = default_max_inflight_bytes;
    // Blobs (and index children) of one image moved at once, within the bounds above.
    std::size_t image_parallelism = default_image_parallelism;
    bool skip_existing = true;
    ErrorAction error_action = ErrorAction::skip;
    std::size_t increment = 0;  // > 0: batches of this many images, each finished first
    int retry_attempts = 3;     // attempts per image under ErrorAction::retry
    // Asked on ErrorAction::prompt (the CLI reads the terminal); returns retry, skip or abort.
    std::function<ErrorAction(const ImageRecord& failed)> ask;
    // Sync mode: resume from this journal (completed blobs and tags are not redone) and
    // record into it. See engine/state/journal.hpp.
    std::optional<JournalSettings> journal;
    // SIGINT/SIGTERM: producers stop, images in flight get stop_grace to finish, then the run
    // returns what it did (SyncResult::stop_signal). A second signal, or the end of the grace
    // period, stops the event loops at once.
    bool stop_on_signals = false;
    std::chrono::milliseconds stop_grace{std::chrono::seconds(10)};
    // Checked before anything is listed (engine/run/preflight.hpp); a failure is the run's error.
    PreflightSettings preflight;
    // A registry failing the same way again and again gets no new images: they are reported
    // not_attempted (engine/run/endpoint_breaker.hpp).
    BreakerSettings breaker;
    // Where the records of images that did not fail wait for the report: an unlinked temporary
    // file (engine/run/record_spill.hpp) in this directory (the CLI names the report's), in
    // sorted runs of run_size records. nullopt: kept in memory.
    struct RecordSpillSettings {
        std::filesystem::path directory;
        std::size_t run_size = RecordSpill::default_run_size;
    };
    std::optional<RecordSpillSettings> spill;
};

// What a run has learned so far, readable from any thread while it goes (for progress).
struct SyncProgress {
    std::atomic<std::size_t> images_planned{0};
    std::atomic<std::size_t> images_done{0};
    std::atomic<bool> enumeration_done{false};
};

struct DryRunTotals {
    std::size_t repositories = 0;
    std::size_t images = 0;
    std::uint64_t bytes_after_dedupe = 0;  // unique blobs per destination registry
    // Recency filters, in every mode: tags left out, tags kept without a readable date,
    // and (dry runs) one "SOURCE:TAG left out: WHY" line per tag left out.
    std::size_t tags_left_out = 0;
    std::size_t tags_undated = 0;
    std::vector<std::string> left_out;
};

struct SyncResult {
    RunReport report;
    DryRunTotals plan;    // filled by dry runs
    int stop_signal = 0;  // SIGINT or SIGTERM when a signal stopped the run
};

// Per-image outcomes are report records; the error return is for a run that could not
// enumerate its plan at all (unreachable source, refused catalog).
Expected<SyncResult> run_sync(const SyncPlan& plan, const SyncOptions& options,
                              metrics::Metrics& metrics, SyncProgress& progress);

}  // namespace regmigrate::engine
