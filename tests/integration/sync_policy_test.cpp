// `regmigrate sync --error-action` with one source repository that cannot be read: its
// image has a layer whose data was deleted from the source registry's storage, so every
// GET of that blob fails. The repository is named to be enumerated first.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/sample_images.hpp"

#include <algorithm>

namespace regmigrate::testing {
namespace {

constexpr const char* kBrokenImage = "aaa/broken:v1";

class SyncErrorActionTest : public SyncFleetTest {
  protected:
    void SetUp() override {
        SyncFleetTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        const auto pushed =
            push_unreadable_image(source_.host(), source_.storage_dir(), "aaa/broken", "v1");
        ASSERT_TRUE(pushed) << pushed.error().message;
    }

    SyncOutcome sync_with(const std::string& action, const std::vector<std::string>& more = {}) {
        return sync(with({"--error-action", action}, more));
    }

    // The report's record of the broken image; fails the test when there is none.
    ReportImage broken_record(const SyncOutcome& run) const {
        const std::string source = source_.host() + "/" + kBrokenImage;
        for (const auto& image : run.report->images) {
            if (image.source == source) {
                return image;
            }
        }
        ADD_FAILURE() << "no record of " << source << " in " << run.report->text;
        return {};
    }
};

TEST_F(SyncErrorActionTest, SkipFailsTheBrokenImageAndCopiesEveryOther) {
    const auto run = sync_with("skip");
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    EXPECT_EQ(run.report->summary.images_copied, fleet_.images);
    const auto broken = broken_record(run);
    EXPECT_EQ(broken.status, "failed");
    EXPECT_FALSE(broken.error.empty());
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

// One job and the broken image enumerated first: once it fails, no other image starts.
TEST_F(SyncErrorActionTest, AbortStartsNoImageAfterTheFirstFailure) {
    const auto run = sync_with("abort", {"--jobs", "1"});
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(broken_record(run).status, "failed");
    EXPECT_EQ(run.report->summary.images_copied, 0u) << run.report->text;
    EXPECT_TRUE(destination_images().empty());
}

TEST_F(SyncErrorActionTest, RetryRetriesTheBrokenImageThenFailsItAndCopiesEveryOther) {
    const auto run = sync_with("retry");
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_GT(run.metrics->sum("regmigrate_retries_total"), 0.0);
    const auto broken = broken_record(run);
    EXPECT_EQ(broken.status, "failed");
    EXPECT_FALSE(broken.error.empty());
    EXPECT_EQ(run.report->summary.images_copied, fleet_.images);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

}  // namespace
}  // namespace regmigrate::testing
