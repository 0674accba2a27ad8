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
    std::string status;  // copied | skipped | failed (verify: matched | mismatched | missing)
    std::string error;

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
    // {"summary": {...}, "images": [...]}, fields as DESIGN.md fixes them.
    std::string to_json() const;
};

// Written through replace_file_atomically (engine/atomic_file.hpp): mode 0600, never
// half-written, never through a planted symlink.
Expected<void> write_report(const RunReport& report, const std::string& path);
// --metrics-file: the final metrics in text exposition format (node_exporter's textfile
// collector reads *.prom), written the same way.
Expected<void> write_metrics_file(const metrics::Metrics& metrics, const std::string& path);

}  // namespace regmigrate::engine
