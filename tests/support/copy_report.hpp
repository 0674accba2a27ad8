// The --report JSON of a regmigrate run, read back for assertions (fields of DESIGN.md).
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::testing {

struct ReportSummary {
    std::uint64_t images_copied = 0;
    std::uint64_t images_skipped = 0;
    std::uint64_t images_failed = 0;
    std::uint64_t blobs_uploaded = 0;
    std::uint64_t blobs_mounted = 0;
    std::uint64_t bytes_transferred = 0;
    double duration_seconds = 0;
};

struct ReportImage {
    std::string source;
    std::string destination;
    std::string digest;
    std::string status;
    std::string error;
    std::string source_digest;  // a converted schema1 image: the source's digest
};

struct CopyReport {
    ReportSummary summary;
    std::vector<ReportImage> images;
    std::string text;  // the file as written
};

// A missing or mistyped field is an ErrorKind::protocol error naming it.
Expected<CopyReport> parse_copy_report(std::string_view json);
// ErrorKind::io when the file cannot be read.
Expected<CopyReport> read_copy_report(const std::filesystem::path& file);

}  // namespace regmigrate::testing
