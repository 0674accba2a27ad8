#include "engine/run/run_report.hpp"

#include "engine/state/atomic_file.hpp"
#include "metrics/progress.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace regmigrate::engine {

namespace json = boost::json;

std::size_t RunReport::count(ImageOutcome status) const {
    return static_cast<std::size_t>(std::count_if(
        images.begin(), images.end(), [&](const ImageRecord& r) { return r.status == status; }));
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
    return static_cast<std::size_t>(std::count_if(
        images.begin(), images.end(), [](const ImageRecord& r) { return r.is_failure(); }));
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

std::string RunReport::to_json() const {
    json::object summary;
    summary["images_copied"] = count(ImageOutcome::copied);
    summary["images_skipped"] = count(ImageOutcome::skipped);
    summary["images_failed"] = failures();
    summary["images_not_attempted"] = not_attempted();
    summary["blobs_uploaded"] = totals.blobs_uploaded;
    summary["blobs_mounted"] = totals.blobs_mounted;
    summary["bytes_transferred"] = totals.bytes_transferred;
    summary["duration_seconds"] = duration_seconds;
    json::array list;
    list.reserve(images.size());
    for (const auto& image : images) {
        json::object entry{{"source", image.source},
                           {"destination", image.destination},
                           {"digest", image.digest},
                           {"status", to_string(image.status)},
                           {"error", image.error}};
        if (!image.source_digest.empty())
            entry["source_digest"] = image.source_digest;
        list.push_back(std::move(entry));
    }
    json::object root{{"summary", std::move(summary)}, {"images", std::move(list)}};
    if (!deletions.empty()) {
        root.at("summary").as_object()["tags_deleted"] =
            deletions_with(DeletionOutcome::untagged) + deletions_with(DeletionOutcome::deleted);
        root.at("summary").as_object()["tag_deletions_failed"] =
            deletions_with(DeletionOutcome::failed);
        json::array deleted;
        for (const auto& deletion : deletions) {
            deleted.push_back(json::object{{"destination", deletion.destination},
                                           {"digest", deletion.digest},
                                           {"status", to_string(deletion.status)},
                                           {"error", deletion.error}});
        }
        root["deletions"] = std::move(deleted);
    }
    if (!error.empty())
        root["error"] = error;
    return json::serialize(root);
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
    return replace_file_atomically(path, report.to_json() + '\n', "report");
}

Expected<void> write_metrics_file(const metrics::Metrics& metrics, const std::string& path) {
    return replace_file_atomically(path, metrics.text_exposition(), "metrics file");
}

}  // namespace regmigrate::engine
