// `regmigrate copy --skip-existing` between real docker-registry processes: an image the
// destination already serves under the same digest is reported skipped and nothing is
// written for it (no blob, no manifest); without the flag copy writes it again as before.
#include "tests/support/prometheus_text.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <gtest/gtest.h>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

struct CopyRun {
    CopyOutcome outcome;
    Expected<MetricsText> metrics;
};

class CopySkipExistingTest : public ::testing::Test {
  protected:
    void SetUp() override {
        pushed_ =
            push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci, 2));
    }

    // copy SOURCE/team/app[:TAG] DESTINATION/mirror/app[:TAG] with a metrics file.
    CopyRun copy(const std::string& tag, const std::vector<std::string>& extra = {}) {
        const auto metrics = dir_.path() / ("metrics-" + std::to_string(++runs_) + ".prom");
        auto options = plain_http();
        options.insert(options.end(), {"--metrics-file", metrics.string()});
        options.insert(options.end(), extra.begin(), extra.end());
        const std::string suffix = tag.empty() ? "" : ":" + tag;
        CopyRun run{cli_.copy(source_.host() + "/team/app" + suffix,
                              destination_.host() + "/mirror/app" + suffix, options),
                    make_error(ErrorKind::io, "not read")};
        run.metrics = read_metrics_file(metrics);
        return run;
    }

    CopyRun copy_ok(const std::string& tag, const std::vector<std::string>& extra = {}) {
        auto run = copy(tag, extra);
        EXPECT_EQ(run.outcome.cli.exit_code, 0) << run.outcome.cli.describe();
        EXPECT_TRUE(run.outcome.report) << run.outcome.report.error().message;
        EXPECT_TRUE(run.metrics) << run.metrics.error().message;
        return run;
    }

    static double writes(const MetricsText& metrics) {
        double sum = 0;
        for (const char* method : {"PUT", "POST", "PATCH", "DELETE"})
            sum += metrics.sum("regmigrate_http_requests_total", {{"method", method}});
        return sum;
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"copy-skip-existing"};
    std::size_t runs_ = 0;
    fleet::TaggedImage pushed_;
};

TEST_F(CopySkipExistingTest, SecondCopyWithSkipExistingWritesNothingAndReportsSkipped) {
    copy_ok("v1");
    const auto run = copy_ok("v1", {"--skip-existing"});
    ASSERT_TRUE(run.outcome.report && run.metrics);
    const auto& report = *run.outcome.report;
    EXPECT_EQ(report.summary.images_skipped, 1u);
    EXPECT_EQ(report.summary.images_copied, 0u);
    EXPECT_EQ(report.summary.blobs_uploaded, 0u);
    EXPECT_EQ(report.summary.bytes_transferred, 0u);
    ASSERT_EQ(report.images.size(), 1u);
    EXPECT_EQ(report.images.front().status, "skipped");
    EXPECT_EQ(report.images.front().digest, pushed_.digest);
    EXPECT_EQ(run.metrics->sum("regmigrate_images_total", {{"result", "skipped"}}), 1.0);
    EXPECT_EQ(writes(*run.metrics), 0.0);
    EXPECT_EQ(run.metrics->sum("regmigrate_manifests_pushed_total"), 0.0);
    EXPECT_EQ(run.metrics->sum("regmigrate_blobs_total"), 0.0) << "no blob was even asked about";
}

TEST_F(CopySkipExistingTest, SecondCopyWithoutTheFlagChecksEveryBlobAndPushesTheManifestsAgain) {
    copy_ok("v1");
    const auto run = copy_ok("v1");
    ASSERT_TRUE(run.outcome.report && run.metrics);
    const auto& report = *run.outcome.report;
    EXPECT_EQ(report.summary.images_copied, 1u);
    EXPECT_EQ(report.summary.images_skipped, 0u);
    EXPECT_EQ(report.summary.blobs_uploaded, 0u);
    EXPECT_GT(run.metrics->sum("regmigrate_blobs_total", {{"result", "existing"}}), 0.0);
    // The index and its two children.
    EXPECT_EQ(run.metrics->sum("regmigrate_manifests_pushed_total"), 3.0);
}

TEST_F(CopySkipExistingTest, ATagServingAnotherImageAtTheDestinationIsCopied) {
    const auto other = push_image(destination_.host(),
                                  sample_image("mirror/app", "v1", ManifestFormat::oci, 1, 7));
    ASSERT_NE(other.digest, pushed_.digest);
    const auto run = copy_ok("v1", {"--skip-existing"});
    ASSERT_TRUE(run.outcome.report);
    EXPECT_EQ(run.outcome.report->summary.images_copied, 1u);
    EXPECT_EQ(run.outcome.report->summary.images_skipped, 0u);
    const auto copied =
        fleet::RegistryWriter({destination_.host()}).get_manifest("mirror/app", "v1");
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_EQ(copied->digest, pushed_.digest);
}

TEST_F(CopySkipExistingTest, EveryTagCopySkipsTheTagsAlreadyThereAndCopiesTheOthers) {
    push_image(source_.host(), sample_image("team/app", "v2", ManifestFormat::docker, 1, 2));
    copy_ok("v1");
    const auto run = copy_ok("", {"--skip-existing"});
    ASSERT_TRUE(run.outcome.report);
    EXPECT_EQ(run.outcome.report->summary.images_skipped, 1u);
    EXPECT_EQ(run.outcome.report->summary.images_copied, 1u);
    for (const auto& image : run.outcome.report->images) {
        const bool is_v1 = image.source.ends_with(":v1");
        EXPECT_EQ(image.status, is_v1 ? "skipped" : "copied") << image.source;
    }
}

TEST_F(CopySkipExistingTest, HelpShowsTheFlag) {
    const auto help = cli_.run({"copy", "--help"});
    EXPECT_EQ(help.exit_code, 0) << help.describe();
    EXPECT_NE(help.out.find("--skip-existing"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace regmigrate::testing
