// The adaptive transfer limit in a registry→registry sync: with both registries behind a
// faultproxy that makes them distant (latency, no errors) the limit grows above where it
// started; when the destination answers uploads 503 it shrinks below it. The limit is read
// from the run's metrics file: regmigrate_transfer_limit_highest and _lowest keep the
// extremes it reached, so nothing here depends on when a scrape happens.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/fault_proxy_process.hpp"

namespace regmigrate::testing {
namespace {

// Without --jobs, sync tunes the limit within [1, --max-transfers], starting at half of it
// (engine/run/sync_job.cpp).
constexpr int kMaxTransfers = 32;
constexpr double kInitialLimit = kMaxTransfers / 2;

// 40 images, each with two own 256 KiB layers (above the adaptive limit's 64 KiB sample
// floor, so every upload is a sample) and one shared 256 KiB base layer.
fleet::FleetSpec layered_fleet_spec() {
    fleet::FleetSpec spec;
    spec.repositories = 10;
    spec.tags = 4;
    spec.base_layers = 1;
    spec.base_layer_size = 256 * 1024;
    spec.unique_layers = 2;
    spec.unique_layer_size = 256 * 1024;
    spec.multiarch_share = 0;
    spec.oci_share = 0.5;
    spec.seed = 7;
    spec.prefix = "limit";
    return spec;
}

class AdaptiveLimitTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto pushed = fleet::push_fleet(layered_fleet_spec(), {source_.host()}, 2);
        ASSERT_TRUE(pushed) << pushed.error().message;
        fleet_ = std::move(*pushed);
    }

    // sync from behind `source_rules` to behind `destination_rules`, limit adaptive.
    SyncOutcome sync_through(const std::vector<std::string>& source_rules,
                             const std::vector<std::string>& destination_rules,
                             std::string* proxy_logs = nullptr) {
        FaultProxyProcess far_source(FAULTPROXY_BINARY, source_.host(), source_rules);
        FaultProxyProcess far_destination(FAULTPROXY_BINARY, destination_.host(),
                                          destination_rules);
        auto run = cli_.run("sync", far_source.host(), far_destination.host(),
                            with(plain_http(), {"--max-transfers", std::to_string(kMaxTransfers),
                                                "--error-action", "retry"}));
        injected_ = far_destination.injected();
        if (proxy_logs)
            *proxy_logs = far_source.output() + far_destination.output();
        return run;
    }

    std::set<std::string> destination_images() const {
        auto images = list_tagged_images(destination_.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
    fleet::FleetSummary fleet_;
    std::size_t injected_ = 0;
};

TEST_F(AdaptiveLimitTest, LimitGrowsWhenTransfersAreSlowButSucceed) {
    const std::vector<std::string> distant{"latency delay-ms=20"};
    std::string logs;
    const auto run = sync_through(distant, distant, &logs);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << "\n" << logs;
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    // Enough uploads for a full round at the starting limit: the limit had its samples.
    ASSERT_GE(run.metrics->sum("regmigrate_blobs_total", {{"result", "uploaded"}}),
              2 * kInitialLimit);
    EXPECT_GT(run.metrics->sum("regmigrate_transfer_limit_highest"), kInitialLimit)
        << run.cli.describe();
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(AdaptiveLimitTest, LimitShrinksWhenUploadsAreAnswered503) {
    // Every blob upload is refused until 40 were: more than the starting limit's transfers
    // can absorb within their attempts (5 each), so at least one transfer ends throttled
    // whether each refusal or only a transfer's outcome is reported. The images it fails
    // are retried once the refusals are spent.
    std::string logs;
    const auto run = sync_through({}, {"503 method=PUT path=/blobs/uploads/ limit=40"}, &logs);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << "\n" << logs;
    EXPECT_GT(injected_, 0u) << logs;
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_LT(run.metrics->sum("regmigrate_transfer_limit_lowest"), kInitialLimit)
        << run.cli.describe();
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(AdaptiveLimitTest, FixedLimitIsReportedAsIs) {
    const auto run =
        cli_.run("sync", source_.host(), destination_.host(), with(plain_http(), {"--jobs", "6"}));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_EQ(run.metrics->sum("regmigrate_transfer_limit"), 6);
    EXPECT_EQ(run.metrics->sum("regmigrate_transfer_limit_highest"), 6);
    EXPECT_EQ(run.metrics->sum("regmigrate_transfer_limit_lowest"), 6);
}

}  // namespace
}  // namespace regmigrate::testing
