// What a run did, image by image, and its totals: the --report JSON of DESIGN.md.
#pragma once

#include "metrics/metrics.hpp"
#include "metrics/outcome.hpp"
#include "transport/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

class RecordSpill;

using metrics::DeletionOutcome;
using metrics::ImageOutcome;

struct ImageRecord {
    std::string source;       // host/repo:tag
    std::string destination;  // host/repo:tag
    std::string digest;
    // copied | skipped | failed (verify: matched | mismatched | missing; dry run: planned);
    // not_attempted: not started because its registry tripped the breaker (error says why).
    // Written as to_string(status). Planned until the image has an outcome.
    ImageOutcome status = ImageOutcome::planned;
    std::string error;
    // A schema1 image pushed as its schema2 conversion: the source's digest (digest is the
    // conversion's). Empty otherwise, and then left out of the report.
    std::string source_digest;
    // The failure's phrase shared by every image failing the same way (summarize_failure);
    // "" for one of its own. Not part of the JSON report.
    std::string failure_summary;
    // A dry run's planned image: the bytes of its blobs, every platform's (written as "size").
    std::uint64_t size = 0;

    // Did not end well: failed, and for verify mismatched or missing.
    bool is_failure() const;
};

// sync --prune: a destination tag gone from the source, or (no tag) a repository that could
// not be pruned.
struct DeletionRecord {
    std::string destination;  // host/repo:tag, or host/repo for the repository's error
    std::string digest;       // the manifest the tag pointed at
    DeletionOutcome status = DeletionOutcome::planned;
    std::string error;  // why failed or kept
};

// "host/repo:tag", "host/repo@sha256:…", or "host/repo" when ref is empty.
std::string image_reference(const std::string& host, const std::string& repository,
                            const std::string& ref);

struct RunReport {
    std::vector<ImageRecord> images;
    std::vector<DeletionRecord> deletions;  // sync --prune; none otherwise
    // Records of images that did not fail, moved to disk as they finished so that a long run's
    // memory stays flat (engine/run/record_spill.hpp); null when every record is in images.
    // Failed and not_attempted images always stay in images: they are logged one by one.
    std::shared_ptr<const RecordSpill> spilled;
    metrics::Metrics::Snapshot totals;
    double duration_seconds = 0;
    // A dry run's: what its plan would move, each blob counted once per destination registry.
    // Written as the summary's "images_planned" and "bytes_after_dedupe" only when set.
    std::optional<std::uint64_t> bytes_after_dedupe;
    // Why the run itself ended early (an error no image boundary caught); "" normally.
    // Written as a top-level "error" key only when set.
    std::string error;

    std::size_t count(ImageOutcome status) const;
    std::size_t failures() const;  // images whose record is_failure()
    std::size_t not_attempted() const;
    std::size_t deletions_with(DeletionOutcome status) const;
    // Every image of the plan was attempted and none failed, and no deletion failed: the
    // run's exit code 0.
    bool complete() const {
        return failures() == 0 && not_attempted() == 0 &&
               deletions_with(DeletionOutcome::failed) == 0;
    }
    // Failed images counted per failure_summary, most frequent first (ties by phrase);
    // failures of their own (no summary) are left to their records.
    std::vector<std::pair<std::size_t, std::string>> failure_groups() const;
    // Every record, in images (sorted by source) and spilled, ordered by source.
    Expected<void> for_each_image(const std::function<void(const ImageRecord&)>& visit) const;
    // {"summary": {...}, "images": [...]}, fields as DESIGN.md fixes them, handed to write
    // piece by piece (a spilled report need not fit one string); write returning false stops.
    // A run that pruned adds "tags_deleted" and "tag_deletions_failed" to the summary and a
    // "deletions" list.
    Expected<void> write_json(const std::function<bool(std::string_view)>& write) const;
    // The same JSON in one string; throws std::runtime_error if spilled records cannot be read.
    std::string to_json() const;
    // The line a command ends with, every count named by its outcome's to_string (the words
    // of the report and of regmigrate_blobs_total): "copied 12 images, 1 skipped, 0 failed;
    // blobs: 30 uploaded, 2 mounted, 0 existing, 7 deduped; 1.2 GiB in 3m04s". done: the
    // outcome counted first (copied, or matched for verify).
    std::string summary_line(ImageOutcome done) const;
};

// Written through replace_file_atomically (engine/state/atomic_file.hpp): mode 0600, never
// half-written, never through a planted symlink. Streamed: spilled records are not gathered
// in memory.
Expected<void> write_report(const RunReport& report, const std::string& path);
// --metrics-file: the final metrics in text exposition format (node_exporter's textfile
// collector reads *.prom), written the same way.
Expected<void> write_metrics_file(const metrics::Metrics& metrics, const std::string& path);

}  // namespace regmigrate::engine
