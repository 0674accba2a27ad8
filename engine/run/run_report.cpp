#include "engine/run/run_report.hpp"

#include "engine/run/record_spill.hpp"
#include "engine/state/atomic_file.hpp"
#include "engine/state/file_io.hpp"
#include "metrics/progress.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace regmigrate::engine {

namespace json = boost::json;

std::size_t RunReport::count(ImageOutcome status) const {
    return static_cast<std::size_t>(
               std::count_if(images.begin(), images.end(),
                             [&](const ImageRecord& r) { return r.status == status; })) +
           (spilled ? spilled->count(status) : 0);
}

bool ImageRecord::is_failure() const {
    return status == ImageOutcome::failed || status == ImageOutcome::mismatched ||
           status == ImageOutcome::missing;
}

std::string image_reference(const std::string& host, const std::string& repository,
                            const std::string& ref) {
    if (ref.empty())
        return host + "/" + repository;
    return host + "/" + repository + (ref.starts_with("sha256:") ? "@" : ":") + ref;
}

std::size_t RunReport::failures() const {
    std::size_t spilled_failures = 0;
    if (spilled) {
        for (const auto status :
             {ImageOutcome::failed, ImageOutcome::mismatched, ImageOutcome::missing})
            spilled_failures += spilled->count(status);
    }
    return static_cast<std::size_t>(std::count_if(
               images.begin(), images.end(), [](const ImageRecord& r) { return r.is_failure(); })) +
           spilled_failures;
}

std::size_t RunReport::not_attempted() const {
    return count(ImageOutcome::not_attempted);
}

std::size_t RunReport::deletions_with(DeletionOutcome status) const {
    return static_cast<std::size_t>(
        std::count_if(deletions.begin(), deletions.end(),
                      [&](const DeletionRecord& r) { return r.status == status; }));
}

std::vector<std::pair<std::size_t, std::string>> RunReport::failure_groups() const {
    std::map<std::string, std::size_t> counts;
    for (const auto& image : images) {
        if (image.is_failure() && !image.failure_summary.empty())
            ++counts[image.failure_summary];
    }
    std::vector<std::pair<std::size_t, std::string>> groups;
    for (auto& [summary, count] : counts)
        groups.emplace_back(count, summary);
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    return groups;
}

Expected<void> RunReport::for_each_image(
    const std::function<void(const ImageRecord&)>& visit) const {
    auto next = images.begin();
    if (spilled) {
        auto merged = spilled->for_each([&](const ImageRecord& record) {
            for (; next != images.end() && next->source <= record.source; ++next)
                visit(*next);
            visit(record);
        });
        if (!merged)
            return merged.error();
    }
    for (; next != images.end(); ++next)
        visit(*next);
    return {};
}

Expected<void> RunReport::write_json(const std::function<bool(std::string_view)>& write) const {
    json::object summary;
    summary["images_copied"] = count(ImageOutcome::copied);
    summary["images_skipped"] = count(ImageOutcome::skipped);
    summary["images_failed"] = failures();
    summary["images_not_attempted"] = not_attempted();
    summary["blobs_uploaded"] = totals.blobs_uploaded;
    summary["blobs_mounted"] = totals.blobs_mounted;
    summary["bytes_transferred"] = totals.bytes_transferred;
    summary["duration_seconds"] = duration_seconds;
    if (bytes_after_dedupe) {
        summary["images_planned"] = count(ImageOutcome::planned);
        summary["bytes_after_dedupe"] = *bytes_after_dedupe;
    }
    if (!deletions.empty()) {
        summary["tags_deleted"] =
            deletions_with(DeletionOutcome::untagged) + deletions_with(DeletionOutcome::deleted);
        summary["tag_deletions_failed"] = deletions_with(DeletionOutcome::failed);
    }
    // What json::serialize makes of {"summary", "images", "deletions", "error"}, one entry at
    // a time.
    bool writing = write("{\"summary\":" + json::serialize(summary) + ",\"images\":[");
    bool first = true;
    auto listed = for_each_image([&](const ImageRecord& image) {
        if (!writing)
            return;
        json::object entry{{"source", image.source},
                           {"destination", image.destination},
                           {"digest", image.digest},
                           {"status", to_string(image.status)},
                           {"error", image.error}};
        if (!image.source_digest.empty())
            entry["source_digest"] = image.source_digest;
        if (image.status == ImageOutcome::planned)
            entry["size"] = image.size;
        writing = write((first ? "" : ",") + json::serialize(entry));
        first = false;
    });
    if (!listed)
        return listed.error();
    std::string end = "]";
    if (!deletions.empty()) {
        json::array deleted;
        for (const auto& deletion : deletions) {
            deleted.push_back(json::object{{"destination", deletion.destination},
                                           {"digest", deletion.digest},
                                           {"status", to_string(deletion.status)},
                                           {"error", deletion.error}});
        }
        end += ",\"deletions\":" + json::serialize(deleted);
    }
    if (!error.empty())
        end += ",\"error\":" + json::serialize(json::value(error));
    if (!writing || !write(end + "}"))
        return make_error(ErrorKind::io, "the report's JSON was not written in full");
    return {};
}

std::string RunReport::to_json() const {
    std::string text;
    auto written = write_json([&](std::string_view piece) {
        text += piece;
        return true;
    });
    if (!written)
        throw std::runtime_error(written.error().message);
    return text;
}

std::string RunReport::summary_line(ImageOutcome done) const {
    auto counted = [](std::uint64_t count, auto outcome) {
        return std::to_string(count) + " " + std::string(to_string(outcome));
    };
    std::string line = std::string(to_string(done)) + " " + std::to_string(count(done)) +
                       " images, " + counted(count(ImageOutcome::skipped), ImageOutcome::skipped) +
                       ", " + counted(failures(), ImageOutcome::failed) + "; blobs: ";
    for (const auto outcome : metrics::all_blob_outcomes) {
        if (outcome != metrics::all_blob_outcomes.front())
            line += ", ";
        line += counted(totals.blobs(outcome), outcome);
    }
    if (!deletions.empty()) {
        line += "; pruned tags: ";
        for (const auto outcome : metrics::all_deletion_outcomes) {
            if (outcome != metrics::all_deletion_outcomes.front())
                line += ", ";
            line += counted(deletions_with(outcome), outcome);
        }
    }
    return line + "; " + metrics::format_bytes(totals.bytes_transferred) + " in " +
           metrics::format_duration(duration_seconds);
}

Expected<void> write_report(const RunReport& report, const std::string& path) {
    std::optional<Error> unreadable;
    auto written = replace_file_atomically(
        path,
        [&](int fd) {
            // Whole entries gathered into writes of about 64 KiB.
            std::string buffer;
            bool write_failed = false;
            const auto flush = [&] {
                write_failed = !write_all(fd, std::exchange(buffer, {}));
                return !write_failed;
            };
            auto streamed = report.write_json([&](std::string_view piece) {
                buffer += piece;
                return buffer.size() < 64 * 1024 || flush();
            });
            if (!streamed) {
                if (!write_failed)
                    unreadable = streamed.error();
                return false;
            }
            buffer += '\n';
            return flush();
        },
        "report");
    if (unreadable)
        return with_context(*unreadable, "writing report \"" + path + "\"");
    return written;
}

Expected<void> write_metrics_file(const metrics::Metrics& metrics, const std::string& path) {
    return replace_file_atomically(path, metrics.text_exposition(), "metrics file");
}

}  // namespace regmigrate::engine
