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
    // A schema1 image pushed as its schema2 conversion: the source's digest (digest is the
    // conversion's). Empty otherwise, and then left out of the report.
    std::string source_digest;

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

    std::size_t count(std::string_view status) const;
    std::size_t failures() const;  // images whose record is_failure()
    // {"summary": {...}, "images": [...]}, fields as DESIGN.md fixes them.
    std::string to_json() const;
};

// Written to a temporary file and renamed, so a reader never sees half a report.
Expected<void> write_report(const RunReport& report, const std::string& path);

}  // namespace regmigrate::engine
