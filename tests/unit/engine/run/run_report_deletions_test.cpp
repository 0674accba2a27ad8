// sync --prune in the run report: the deletions list, its summary counts, its line in the
// summary, and what a failed deletion does to the exit code.
#include "engine/run/run_report.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

namespace json = boost::json;

const std::string kDigest = "sha256:" + std::string(64, 'd');

RunReport pruned_report() {
    RunReport report;
    report.deletions = {
        {"dst.example/app:old", kDigest, DeletionOutcome::untagged, ""},
        {"dst.example/app:older", kDigest, DeletionOutcome::deleted, ""},
        {"dst.example/app:shared", kDigest, DeletionOutcome::kept, "its manifest is in use"},
        {"dst.example/web", "", DeletionOutcome::failed, "the registry refuses deletes"}};
    return report;
}

json::object parsed(const std::string& text) {
    return json::parse(text).as_object();
}

TEST(RunReportDeletions, ListsEachDeletionWithItsStatus) {
    const auto root = parsed(pruned_report().to_json());
    const auto& deletions = root.at("deletions").as_array();
    ASSERT_EQ(deletions.size(), 4u);
    const auto& first = deletions[0].as_object();
    EXPECT_EQ(first.at("destination").as_string(), "dst.example/app:old");
    EXPECT_EQ(first.at("digest").as_string(), kDigest);
    EXPECT_EQ(first.at("status").as_string(), "untagged");
    EXPECT_EQ(deletions[2].at("status").as_string(), "kept");
    EXPECT_EQ(deletions[3].at("error").as_string(), "the registry refuses deletes");
}

TEST(RunReportDeletions, SummaryCountsTagsDeletedAndFailedDeletions) {
    const auto summary = parsed(pruned_report().to_json()).at("summary").as_object();
    EXPECT_EQ(summary.at("tags_deleted").to_number<int>(), 2);
    EXPECT_EQ(summary.at("tag_deletions_failed").to_number<int>(), 1);
}

TEST(RunReportDeletions, ARunThatPrunedNothingHasNoDeletionFields) {
    const auto root = parsed(RunReport{}.to_json());
    EXPECT_FALSE(root.contains("deletions"));
    EXPECT_FALSE(root.at("summary").as_object().contains("tags_deleted"));
}

TEST(RunReportDeletions, AFailedDeletionMakesTheRunIncomplete) {
    EXPECT_FALSE(pruned_report().complete());
}

TEST(RunReportDeletions, AKeptTagLeavesTheRunComplete) {
    RunReport report;
    report.deletions = {{"dst.example/app:shared", kDigest, DeletionOutcome::kept, "in use"}};
    EXPECT_TRUE(report.complete());
}

TEST(RunReportDeletions, SummaryLineCountsPrunedTagsByOutcome) {
    const auto line = pruned_report().summary_line(ImageOutcome::copied);
    EXPECT_NE(line.find("pruned tags: 1 untagged, 1 deleted, 1 kept, 0 planned, 1 failed"),
              std::string::npos)
        << line;
}

TEST(RunReportDeletions, SummaryLineOfARunWithoutPruningSaysNothingOfIt) {
    EXPECT_EQ(RunReport{}.summary_line(ImageOutcome::copied).find("pruned"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
