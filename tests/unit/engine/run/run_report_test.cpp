#include "engine/run/run_report.hpp"

#include "engine/run/record_spill.hpp"
#include "engine/state/atomic_file.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

ImageRecord image(ImageOutcome status, std::string error = {}) {
    return {"src.example/library/alpine:3.19", "dst.example/library/alpine:3.19",
            "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", status,
            std::move(error)};
}

RunReport sample_report() {
    RunReport report;
    report.images = {image(ImageOutcome::copied), image(ImageOutcome::copied),
                     image(ImageOutcome::skipped),
                     image(ImageOutcome::failed, "pushing manifest: 500")};
    report.totals.blobs_uploaded = 7;
    report.totals.blobs_mounted = 3;
    report.totals.bytes_transferred = 123456789012;
    report.duration_seconds = 12.5;
    return report;
}

json::object parsed(const std::string& text) {
    json::error_code ec;
    json::value value = json::parse(text, ec);
    EXPECT_FALSE(ec) << text;
    EXPECT_TRUE(value.is_object()) << text;
    return value.is_object() ? value.as_object() : json::object{};
}

std::set<std::string> keys(const json::object& object) {
    std::set<std::string> names;
    for (const auto& member : object)
        names.emplace(member.key());
    return names;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh directory per test, removed afterwards.
class RunReportFile : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("regmigrate-run-report-" + std::string(info->name()) +
                                            "-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST(RunReport, CountsImagesByStatus) {
    const auto report = sample_report();
    EXPECT_EQ(report.count(ImageOutcome::copied), 2u);
    EXPECT_EQ(report.count(ImageOutcome::skipped), 1u);
    EXPECT_EQ(report.count(ImageOutcome::failed), 1u);
    EXPECT_EQ(report.count(ImageOutcome::matched), 0u);
}

TEST(RunReport, JsonHasExactlySummaryAndImages) {
    EXPECT_EQ(keys(parsed(sample_report().to_json())),
              (std::set<std::string>{"summary", "images"}));
}

TEST(RunReport, SummaryHasExactlyTheDocumentedFields) {
    const auto root = parsed(sample_report().to_json());
    EXPECT_EQ(keys(root.at("summary").as_object()),
              (std::set<std::string>{"images_copied", "images_skipped", "images_failed",
                                     "images_not_attempted", "blobs_uploaded", "blobs_mounted",
                                     "bytes_transferred", "duration_seconds"}));
}

ImageRecord failed(std::string summary) {
    ImageRecord record = image(ImageOutcome::failed, "details of this image");
    record.failure_summary = std::move(summary);
    return record;
}

TEST(RunReport, NotAttemptedImagesAreCountedApartFromFailures) {
    auto report = sample_report();
    report.images.push_back(
        image(ImageOutcome::not_attempted, "destination d stopped: connection refused"));
    EXPECT_EQ(report.failures(), 1u);
    EXPECT_EQ(report.not_attempted(), 1u);
    const auto summary = parsed(report.to_json()).at("summary").as_object();
    EXPECT_EQ(summary.at("images_failed").to_number<int64_t>(), 1);
    EXPECT_EQ(summary.at("images_not_attempted").to_number<int64_t>(), 1);
}

TEST(RunReport, CompleteOnlyWithoutFailuresAndWithoutUntriedImages) {
    RunReport report;
    report.images = {image(ImageOutcome::copied), image(ImageOutcome::skipped)};
    EXPECT_TRUE(report.complete());
    report.images.push_back(image(ImageOutcome::not_attempted, "stopped"));
    EXPECT_FALSE(report.complete());
    report.images = {image(ImageOutcome::copied), image(ImageOutcome::failed, "x")};
    EXPECT_FALSE(report.complete());
}

TEST(RunReport, FailureGroupsCountIdenticalSummariesMostFrequentFirst) {
    RunReport report;
    report.images = {failed("connection refused by b"),
                     failed("credentials refused by a (HTTP 401)"),
                     failed("credentials refused by a (HTTP 401)"),
                     image(ImageOutcome::copied),
                     failed("credentials refused by a (HTTP 401)"),
                     failed("connection refused by b")};
    report.images.push_back(failed("access denied by a (HTTP 403)"));
    using Groups = std::vector<std::pair<std::size_t, std::string>>;
    EXPECT_EQ(report.failure_groups(), (Groups{{3, "credentials refused by a (HTTP 401)"},
                                               {2, "connection refused by b"},
                                               {1, "access denied by a (HTTP 403)"}}));
}

TEST(RunReport, FailuresOfTheirOwnAreNotGrouped) {
    RunReport report;
    report.images = {image(ImageOutcome::failed, "manifest unknown"),
                     image(ImageOutcome::failed, "digest mismatch")};
    EXPECT_TRUE(report.failure_groups().empty());
}

TEST(RunReport, SummaryImageCountsComeFromImageStatuses) {
    const auto summary = parsed(sample_report().to_json()).at("summary").as_object();
    EXPECT_EQ(summary.at("images_copied").to_number<int64_t>(), 2);
    EXPECT_EQ(summary.at("images_skipped").to_number<int64_t>(), 1);
    EXPECT_EQ(summary.at("images_failed").to_number<int64_t>(), 1);
}

TEST(RunReport, SummaryBlobAndByteTotalsComeFromMetrics) {
    const auto summary = parsed(sample_report().to_json()).at("summary").as_object();
    EXPECT_EQ(summary.at("blobs_uploaded").to_number<int64_t>(), 7);
    EXPECT_EQ(summary.at("blobs_mounted").to_number<int64_t>(), 3);
    EXPECT_EQ(summary.at("bytes_transferred").to_number<int64_t>(), 123456789012);
}

TEST(RunReport, SummaryDurationIsFractionalSeconds) {
    const auto summary = parsed(sample_report().to_json()).at("summary").as_object();
    EXPECT_DOUBLE_EQ(summary.at("duration_seconds").to_number<double>(), 12.5);
}

TEST(RunReport, EachImageHasExactlyTheDocumentedFields) {
    const auto root = parsed(sample_report().to_json());
    const auto& images = root.at("images").as_array();
    ASSERT_EQ(images.size(), 4u);
    for (const auto& entry : images) {
        EXPECT_EQ(keys(entry.as_object()),
                  (std::set<std::string>{"source", "destination", "digest", "status", "error"}));
    }
}

TEST(RunReport, ConvertedImageAlsoNamesTheSourceDigest) {
    RunReport report;
    report.images = {image(ImageOutcome::copied, "")};
    report.images[0].source_digest = "sha256:" + std::string(64, 'b');
    const auto root = parsed(report.to_json());
    const auto& entry = root.at("images").as_array().at(0).as_object();
    EXPECT_EQ(entry.at("source_digest").as_string(), "sha256:" + std::string(64, 'b'));
    EXPECT_EQ(entry.at("digest").as_string(), report.images[0].digest);
}

TEST(RunReport, ImagesKeepTheirOrderAndValues) {
    const auto root = parsed(sample_report().to_json());
    const auto& last = root.at("images").as_array().at(3).as_object();
    EXPECT_EQ(last.at("source").as_string(), "src.example/library/alpine:3.19");
    EXPECT_EQ(last.at("destination").as_string(), "dst.example/library/alpine:3.19");
    EXPECT_EQ(last.at("digest").as_string(),
              "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    EXPECT_EQ(last.at("status").as_string(), "failed");
    EXPECT_EQ(last.at("error").as_string(), "pushing manifest: 500");
}

TEST(RunReport, EachStatusIsWrittenAsItsOutcomesWord) {
    const std::vector<ImageOutcome> statuses{ImageOutcome::copied,     ImageOutcome::skipped,
                                             ImageOutcome::failed,     ImageOutcome::not_attempted,
                                             ImageOutcome::planned,    ImageOutcome::matched,
                                             ImageOutcome::mismatched, ImageOutcome::missing};
    RunReport report;
    for (const auto status : statuses)
        report.images.push_back(image(status));
    const auto root = parsed(report.to_json());
    const auto& entries = root.at("images").as_array();
    ASSERT_EQ(entries.size(), statuses.size());
    for (std::size_t i = 0; i < statuses.size(); ++i)
        EXPECT_EQ(entries.at(i).at("status").as_string(), to_string(statuses[i]));
}

TEST(RunReport, OnlyFailedMismatchedAndMissingAreFailures) {
    for (const auto status :
         {ImageOutcome::failed, ImageOutcome::mismatched, ImageOutcome::missing})
        EXPECT_TRUE(image(status).is_failure()) << to_string(status);
    for (const auto status :
         {ImageOutcome::copied, ImageOutcome::skipped, ImageOutcome::not_attempted,
          ImageOutcome::planned, ImageOutcome::matched})
        EXPECT_FALSE(image(status).is_failure()) << to_string(status);
}

TEST(RunReport, ARecordWithoutAnOutcomeIsPlanned) {
    EXPECT_EQ(ImageRecord{}.status, ImageOutcome::planned);
}

TEST(RunReport, SummaryLineCountsImagesAndNamesEveryBlobOutcomeInTheMetricsWords) {
    auto report = sample_report();
    report.totals.blobs_existing = 2;
    report.totals.blobs_deduped = 5;
    EXPECT_EQ(report.summary_line(ImageOutcome::copied),
              "copied 2 images, 1 skipped, 1 failed; blobs: 7 uploaded, 3 mounted, 2 existing, "
              "5 deduped; 115.0 GiB in 13s");
}

TEST(RunReport, SummaryLineOfVerifyCountsMatchedAndEveryDifferenceAsFailed) {
    RunReport report;
    report.images = {image(ImageOutcome::matched), image(ImageOutcome::matched),
                     image(ImageOutcome::mismatched), image(ImageOutcome::missing)};
    EXPECT_EQ(report.summary_line(ImageOutcome::matched),
              "matched 2 images, 0 skipped, 2 failed; blobs: 0 uploaded, 0 mounted, 0 existing, "
              "0 deduped; 0 B in 0s");
}

TEST(RunReport, ErrorTextIsEscapedIntoValidJson) {
    RunReport report;
    report.images = {image(ImageOutcome::failed, "bad \"quote\"\nand newline\\")};
    const auto root = parsed(report.to_json());
    EXPECT_EQ(root.at("images").as_array().at(0).at("error").as_string(),
              "bad \"quote\"\nand newline\\");
}

TEST(RunReport, EmptyRunHasZeroTotalsAndAnEmptyImageArray) {
    const auto root = parsed(RunReport{}.to_json());
    EXPECT_TRUE(root.at("images").as_array().empty());
    EXPECT_EQ(root.at("summary").at("images_copied").to_number<int64_t>(), 0);
    EXPECT_EQ(root.at("summary").at("bytes_transferred").to_number<int64_t>(), 0);
}

TEST_F(RunReportFile, WritesTheJsonReport) {
    const auto path = dir_ / "report.json";
    ASSERT_TRUE(write_report(sample_report(), path.string()));
    EXPECT_EQ(parsed(read_file(path)), parsed(sample_report().to_json()));
}

TEST_F(RunReportFile, ReplacesAnExistingReportAndLeavesNoTemporaryFile) {
    const auto path = dir_ / "report.json";
    std::ofstream(path) << "old contents that are longer than the new report would ever be";
    ASSERT_TRUE(write_report(RunReport{}, path.string()));
    EXPECT_EQ(parsed(read_file(path)), parsed(RunReport{}.to_json()));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(RunReportFile, UnwritablePathIsAnIoErrorNamingThePath) {
    const auto path = (dir_ / "missing-dir" / "report.json").string();
    const auto result = write_report(sample_report(), path);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::io);
    EXPECT_NE(result.error().message.find(path), std::string::npos) << result.error().message;
}

TEST_F(RunReportFile, FailedRenameLeavesNoTemporaryFileBehind) {
    // A non-empty directory at the destination path makes the final rename fail.
    const auto path = dir_ / "report.json";
    fs::create_directories(path / "occupied");
    const auto result = write_report(sample_report(), path.string());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::io);
    EXPECT_FALSE(fs::exists(atomic_temporary_path(path)));
}

TEST(RunReport, ErrorOfTheRunIsATopLevelKeyOnlyWhenSet) {
    EXPECT_FALSE(parsed(sample_report().to_json()).contains("error"));
    RunReport ended;
    ended.error = "copy: internal error: bad percent-encoding";
    EXPECT_EQ(parsed(ended.to_json()).at("error").as_string(), ended.error);
}

TEST_F(RunReportFile, ReportIsReadableByItsOwnerOnly) {
    const auto path = dir_ / "report.json";
    ASSERT_TRUE(write_report(sample_report(), path.string()));
    EXPECT_EQ(fs::status(path).permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

// ---- --metrics-file (moved from the metrics library to the one atomic writer) ----

TEST_F(RunReportFile, MetricsFileHoldsTheTextExpositionOwnerOnly) {
    metrics::Metrics m;
    m.http_request("GET", 200);
    const auto path = dir_ / "regmigrate.prom";
    ASSERT_TRUE(write_metrics_file(m, path.string()));
    EXPECT_EQ(read_file(path), m.text_exposition());
    EXPECT_EQ(fs::status(path).permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(RunReportFile, MetricsFileReplacesAnExistingOneAndLeavesNoTemporaryBehind) {
    const auto path = dir_ / "regmigrate.prom";
    std::ofstream(path) << "stale content that is longer than nothing\n";
    metrics::Metrics m;
    ASSERT_TRUE(write_metrics_file(m, path.string()));
    EXPECT_EQ(read_file(path), m.text_exposition());
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(RunReportFile, MetricsFileInAMissingDirectoryIsAnIoErrorNamingThePath) {
    const auto path = dir_ / "absent" / "regmigrate.prom";
    const auto written = write_metrics_file(metrics::Metrics{}, path.string());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::io);
    EXPECT_NE(written.error().message.find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine

namespace regmigrate::engine {
namespace {

ImageRecord named(std::string tag, ImageOutcome status) {
    ImageRecord record = image(status);
    record.source = "src.example/app:" + tag;
    record.destination = "dst.example/app:" + tag;
    return record;
}

// The same records, once all in memory and once mostly spilled (runs of 2 records), the
// failures kept in memory as the sync job keeps them.
class SpilledReport : public RunReportFile {
  protected:
    std::vector<ImageRecord> records() const {
        std::vector<ImageRecord> all;
        for (int i = 9; i >= 0; --i) {
            all.push_back(named(std::to_string(i), i % 3 == 0 ? ImageOutcome::skipped
                                                   : i == 4   ? ImageOutcome::failed
                                                              : ImageOutcome::copied));
        }
        all[0].source_digest = "sha256:" + std::string(64, 'c');
        return all;
    }
    RunReport in_memory() const {
        RunReport report;
        report.images = records();
        std::sort(report.images.begin(), report.images.end(),
                  [](const auto& a, const auto& b) { return a.source < b.source; });
        report.totals.blobs_uploaded = 3;
        report.duration_seconds = 2.5;
        report.error = "stopped early";
        return report;
    }
    RunReport spilled() const {
        auto spill = RecordSpill::create(dir_, 2);
        EXPECT_TRUE(spill) << spill.error().message;
        RunReport report = in_memory();
        report.images.clear();
        for (auto& record : records()) {
            if (record.is_failure())
                report.images.push_back(std::move(record));
            else
                EXPECT_TRUE((*spill)->add(std::move(record)));
        }
        report.spilled = std::move(*spill);
        return report;
    }
};

TEST_F(SpilledReport, WritesTheSameJsonAsTheSameRecordsInMemory) {
    EXPECT_EQ(spilled().to_json(), in_memory().to_json());
}

TEST_F(SpilledReport, WrittenFileHoldsTheSameJsonAsInMemory) {
    const auto path = dir_ / "report.json";
    ASSERT_TRUE(write_report(spilled(), path.string()));
    EXPECT_EQ(read_file(path), in_memory().to_json() + "\n");
}

TEST_F(SpilledReport, CountsIncludeSpilledRecords) {
    const auto report = spilled();
    EXPECT_EQ(report.count(ImageOutcome::copied), 5u);
    EXPECT_EQ(report.count(ImageOutcome::skipped), 4u);
    EXPECT_EQ(report.failures(), 1u);
    EXPECT_EQ(report.summary_line(ImageOutcome::copied),
              in_memory().summary_line(ImageOutcome::copied));
}

TEST_F(SpilledReport, VisitsRecordsInMemoryAndSpilledInOneSourceOrder) {
    std::vector<std::string> visited;
    ASSERT_TRUE(spilled().for_each_image(
        [&](const ImageRecord& record) { visited.push_back(record.source); }));
    std::vector<std::string> expected;
    for (const auto& record : in_memory().images)
        expected.push_back(record.source);
    EXPECT_EQ(visited, expected);
}

RunReport dry_run_report() {
    RunReport report;
    report.images = {named("1", ImageOutcome::planned), named("2", ImageOutcome::planned)};
    report.images[0].size = 300;
    report.images[1].size = 500;
    report.bytes_after_dedupe = 600;
    return report;
}

TEST(RunReport, DryRunSummaryCountsPlannedImagesAndBytesAfterDedupe) {
    const auto summary = parsed(dry_run_report().to_json()).at("summary").as_object();
    EXPECT_EQ(summary.at("images_planned").to_number<int64_t>(), 2);
    EXPECT_EQ(summary.at("bytes_after_dedupe").to_number<int64_t>(), 600);
}

TEST(RunReport, PlannedImagesNameTheirSize) {
    const auto root = parsed(dry_run_report().to_json());
    const auto& images = root.at("images").as_array();
    EXPECT_EQ(images.at(0).at("size").to_number<int64_t>(), 300);
    EXPECT_EQ(images.at(1).at("size").to_number<int64_t>(), 500);
}

TEST(RunReport, ReportOfARunThatMovedImagesHasNoPlanFields) {
    const auto root = parsed(sample_report().to_json());
    EXPECT_FALSE(root.at("summary").as_object().contains("bytes_after_dedupe"));
    EXPECT_FALSE(root.at("images").as_array().at(0).as_object().contains("size"));
}

}  // namespace
}  // namespace regmigrate::engine

namespace regmigrate::engine {
namespace {

// The streamed JSON is byte for byte what Boost.JSON makes of the whole report as one object
// (how the report was written before it was streamed).
TEST(RunReport, StreamedJsonIsTheSerializationOfTheWholeReportObject) {
    auto report = sample_report();
    report.images[0].source_digest = "sha256:" + std::string(64, 'd');
    report.error = "listing repositories: 503";
    json::array list;
    for (const auto& record : report.images) {
        json::object entry{{"source", record.source},
                           {"destination", record.destination},
                           {"digest", record.digest},
                           {"status", to_string(record.status)},
                           {"error", record.error}};
        if (!record.source_digest.empty())
            entry["source_digest"] = record.source_digest;
        list.push_back(std::move(entry));
    }
    json::object root{{"summary", parsed(report.to_json()).at("summary")},
                      {"images", std::move(list)},
                      {"error", report.error}};
    EXPECT_EQ(report.to_json(), json::serialize(root));
}

}  // namespace
}  // namespace regmigrate::engine
