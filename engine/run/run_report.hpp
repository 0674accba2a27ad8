// What a run did, image by image, and its totals: the --report JSON of DESIGN.md.
#pragma once

#include "metrics/metrics.hpp"
#include "transport/error.hpp"

#include <string>
#include <vector>

namespace regmigrate::engine {

struct ImageRecord {
    std::string source;       // host/repo:tag
    std::string destination;  // host/repo:tag
    std::string digest;
    // copied | skipped | failed (verify: matched | mismatched | missing); not_attempted: not
    // started because its registry tripped the breaker (error says why).
    std::string status;
    std::string error;
    // A schema1 image pushed as its schema2 conversion: the source's digest (digest is the
    // conversion's). Empty otherwise, and then left out of the report.
    std::string source_digest;
    // The failure's phrase shared by every image failing the same way (summarize_failure);
    // "" for one of its own. Not part of the JSON report.
    std::string failure_summary;

    // Did not end well: failed, and for verify mismatched or missing.
    bool is_failure() const;
};

// "host/repo:tag", "host/repo@sha256:…", or "host/repo" when ref is empty.
std::string image_reference(const std::string& host, const std::string& repository,
                            const std::string& ref);

struct RunReport {
    std::vector<ImageRecord> images;
    metrics::Metrics::Snapshot totals;
    double duration_seconds = 0;
    // Why the run itself ended early (an error no image boundary caught); "" normally.
    // Written as a top-level "error" key only when set.
    std::string error;

    std::size_t count(std::string_view status) const;
    std::size_t failures() const;  // images whose record is_failure()
    std::size_t not_attempted() const;
    // Every image of the plan was attempted and none failed: the run's exit code 0.
    bool complete() const { return failures() == 0 && not_attempted() == 0; }
    // Failed images counted per failure_summary, most frequent first (ties by phrase);
    // failures of their own (no summary) are left to their records.
    std::vector<std::pair<std::size_t, std::string>> failure_groups() const;
    // {"summary": {...}, "images": [...]}, fields as DESIGN.md fixes them.
    std::string to_json() const;
};

// Written through replace_file_atomically (engine/state/atomic_file.hpp): mode 0600, never
// half-written, never through a planted symlink.
Expected<void> write_report(const RunReport& report, const std::string& path);
// --metrics-file: the final metrics in text exposition format (node_exporter's textfile
// collector reads *.prom), written the same way.
Expected<void> write_metrics_file(const metrics::Metrics& metrics, const std::string& path);

}  // namespace regmigrate::engine
