#include "tests/support/copy_report.hpp"

#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace regmigrate::testing {

namespace {

Error missing(std::string_view field) {
    return make_error(ErrorKind::protocol,
                      "report: missing or mistyped \"" + std::string(field) + "\"");
}

Expected<void> read_count(simdjson::dom::object summary, std::string_view field,
                          std::uint64_t& out) {
    if (summary[field].get_uint64().get(out) != simdjson::SUCCESS) {
        return missing(field);
    }
    return {};
}

Expected<void> read_text(simdjson::dom::object image, std::string_view field, std::string& out) {
    std::string_view value;
    if (image[field].get_string().get(value) != simdjson::SUCCESS) {
        return missing(field);
    }
    out = std::string(value);
    return {};
}

Expected<ReportSummary> read_summary(simdjson::dom::object summary) {
    ReportSummary result;
    const std::pair<std::string_view, std::uint64_t*> counts[] = {
        {"images_copied", &result.images_copied}, {"images_skipped", &result.images_skipped},
        {"images_failed", &result.images_failed}, {"blobs_uploaded", &result.blobs_uploaded},
        {"blobs_mounted", &result.blobs_mounted}, {"bytes_transferred", &result.bytes_transferred},
    };
    for (const auto& [field, out] : counts) {
        if (auto read = read_count(summary, field, *out); !read) {
            return read.error();
        }
    }
    if (summary["duration_seconds"].get_double().get(result.duration_seconds) !=
        simdjson::SUCCESS) {
        return missing("duration_seconds");
    }
    return result;
}

Expected<ReportImage> read_image(simdjson::dom::object image) {
    ReportImage result;
    const std::pair<std::string_view, std::string*> fields[] = {
        {"source", &result.source}, {"destination", &result.destination},
        {"digest", &result.digest}, {"status", &result.status},
        {"error", &result.error},
    };
    for (const auto& [field, out] : fields) {
        if (auto read = read_text(image, field, *out); !read) {
            return read.error();
        }
    }
    // Only converted schema1 images carry it.
    std::string_view source_digest;
    if (image["source_digest"].get_string().get(source_digest) == simdjson::SUCCESS) {
        result.source_digest = std::string(source_digest);
    }
    return result;
}

}  // namespace

Expected<CopyReport> parse_copy_report(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) {
        return make_error(ErrorKind::protocol, "report: not JSON");
    }
    CopyReport report;
    report.text = std::string(json);
    simdjson::dom::object summary;
    if (root["summary"].get_object().get(summary) != simdjson::SUCCESS) {
        return missing("summary");
    }
    auto totals = read_summary(summary);
    if (!totals) {
        return totals.error();
    }
    report.summary = *totals;
    simdjson::dom::array images;
    if (root["images"].get_array().get(images) != simdjson::SUCCESS) {
        return missing("images");
    }
    for (simdjson::dom::element element : images) {
        simdjson::dom::object image;
        if (element.get_object().get(image) != simdjson::SUCCESS) {
            return missing("images[]");
        }
        auto record = read_image(image);
        if (!record) {
            return record.error();
        }
        report.images.push_back(std::move(*record));
    }
    return report;
}

Expected<CopyReport> read_copy_report(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return make_error(ErrorKind::io, "cannot read report " + file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_copy_report(text.str());
}

}  // namespace regmigrate::testing
