// `regmigrate sync --config PLAN.yaml`: every pair of a plan is synced with its own
// filters and prefix, verify accepts the same plan, and a plan with a key the schema does
// not know is a usage error that names the key and its line.
#include "tests/integration/sync_fixture.hpp"

namespace regmigrate::testing {
namespace {

// A `registries:` entry of a plan for a plain-HTTP registry.
std::string plain_registry(const std::string& name, const std::string& host) {
    return "  " + name + ": { host: " + host + ", tls: disabled }\n";
}

class SyncConfigTest : public SyncFleetTest {
  protected:
    void SetUp() override {
        SyncFleetTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        fleet::FleetSpec spec;
        spec.repositories = 2;
        spec.tags = 2;
        spec.base_layer_size = 16 * 1024;
        spec.unique_layer_size = 4 * 1024;
        spec.seed = 2;
        spec.prefix = "team";
        auto pushed = fleet::push_fleet(spec, {second_source_.host()}, 2);
        ASSERT_TRUE(pushed) << pushed.error().message;
        second_fleet_ = std::move(*pushed);
    }

    // Both sources into the one destination: two tags of every fleet/ repository of the
    // first under mirror/, everything of the second as it is.
    std::filesystem::path two_pair_plan() const {
        return cli_.write_file("plan.yaml", "registries:\n" +
                                                plain_registry("src", source_.host()) +
                                                plain_registry("team", second_source_.host()) +
                                                plain_registry("dst", destination_.host()) +
                                                R"(sync:
  - from: src
    to: dst
    repository_regex: ["fleet/.*"]
    tag_regex: 'v000[01]'
    prefix: mirror
  - from: team
    to: dst
)");
    }

    std::set<std::string> planned_images() const {
        auto images = image_names(
            fleet_, [](const fleet::TaggedImage& image) { return image.tag != "v0002"; }, "mirror");
        images.merge(image_names(second_fleet_));
        return images;
    }

    RegistryProcess second_source_;
    fleet::FleetSummary second_fleet_;
};

TEST_F(SyncConfigTest, PlanWithTwoPairsSyncsBothSourcesIntoTheDestination) {
    const auto run = cli_.run_plan("sync", two_pair_plan());
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    const auto expected = planned_images();
    EXPECT_EQ(run.report->summary.images_copied, expected.size());
    EXPECT_EQ(destination_images(), expected);
}

TEST_F(SyncConfigTest, VerifyWithTheSamePlanMatchesWhatSyncCopied) {
    const auto plan = two_pair_plan();
    ASSERT_EQ(cli_.run_plan("sync", plan).cli.exit_code, 0);
    const auto run = cli_.run_plan("verify", plan);
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->images.size(), planned_images().size());
    for (const auto& image : run.report->images) {
        EXPECT_EQ(image.status, "matched") << image.source << ": " << image.error;
    }
}

TEST(SyncConfigUsageTest, UnknownPlanKeyIsAUsageErrorNamingTheKeyAndItsLine) {
    SyncCli cli(REGMIGRATE_BINARY);
    const std::string closed = "127.0.0.1:" + std::to_string(free_loopback_port());
    // The unknown key is on line 8.
    const auto plan = cli.write_file("plan.yaml", "registries:\n" + plain_registry("src", closed) +
                                                      plain_registry("dst", closed) + R"(sync:
  - from: src
    to: dst
    repository_regex: ["fleet/.*"]
    tag_regexp: 'v1'
)");
    const auto run = cli.run_plan("sync", plan);
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("tag_regexp"), std::string::npos) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("line 8"), std::string::npos) << run.cli.describe();
}

}  // namespace
}  // namespace regmigrate::testing
