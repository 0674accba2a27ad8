// `regmigrate sync --shard I/N`: N processes started at once over one fleet into one
// destination split it by destination repository — each copies only the repositories its
// shard owns, together they copy everything, and `regmigrate verify` of the whole plan
// then passes. Shards share blobs (the fleet's base layers), so this also shows concurrent
// uploads and mounts of one blob from several processes leave a consistent registry.
#include "engine/plan/shard.hpp"
#include "tests/integration/sync_fixture.hpp"

#include <array>
#include <future>
#include <map>

namespace regmigrate::testing {
namespace {

constexpr std::size_t shard_count = 3;

class ShardTest : public SyncFleetTest {
  protected:
    // One sync per shard, all running at the same time, each with its own outputs.
    std::vector<SyncOutcome> sync_all_shards_at_once() {
        std::vector<std::future<SyncOutcome>> running;
        for (std::size_t index = 0; index < shard_count; ++index) {
            running.push_back(std::async(std::launch::async, [this, index] {
                return shard_clis_[index].run(
                    "sync", source_.host(), destination_.host(),
                    // Like pods on separate machines, each without a journal shared with the
                    // others (the default journal path is per plan, not per shard).
                    with(plain_http(), {"--shard", engine::Shard{index, shard_count}.to_string(),
                                        "--no-journal"}));
            }));
        }
        std::vector<SyncOutcome> outcomes;
        for (auto& run : running)
            outcomes.push_back(run.get());
        return outcomes;
    }

    // "REPO" of a report's "HOST/REPO:TAG" destination.
    std::string destination_repository(const ReportImage& image) const {
        const std::string host = destination_.host() + "/";
        EXPECT_EQ(image.destination.rfind(host, 0), 0u) << image.destination;
        const std::string rest = image.destination.substr(host.size());
        return rest.substr(0, rest.rfind(':'));
    }

    // One CLI (and temp dir of outputs) per shard: they run at the same time.
    std::array<SyncCli, shard_count> shard_clis_{
        SyncCli{REGMIGRATE_BINARY}, SyncCli{REGMIGRATE_BINARY}, SyncCli{REGMIGRATE_BINARY}};
};

TEST_F(ShardTest, ShardsRunningAtOnceCopyTheWholeFleetAndVerifyPasses) {
    const auto outcomes = sync_all_shards_at_once();
    for (const auto& run : outcomes) {
        EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
        ASSERT_TRUE(run.report) << run.report.error().message << "\n" << run.cli.describe();
        EXPECT_EQ(run.report->summary.images_failed, 0u) << run.cli.describe();
    }
    EXPECT_EQ(destination_images(), image_names(fleet_));
    const auto verified = verify();
    EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
    ASSERT_TRUE(verified.report) << verified.report.error().message;
    EXPECT_EQ(verified.report->summary.images_failed, 0u);
}

TEST_F(ShardTest, EachShardReportsOnlyTheRepositoriesItOwns) {
    const auto outcomes = sync_all_shards_at_once();
    for (std::size_t index = 0; index < shard_count; ++index) {
        ASSERT_TRUE(outcomes[index].report) << outcomes[index].cli.describe();
        const engine::Shard shard{index, shard_count};
        EXPECT_FALSE(outcomes[index].report->images.empty()) << "shard " << shard.to_string();
        for (const auto& image : outcomes[index].report->images) {
            EXPECT_TRUE(shard.owns(destination_repository(image)))
                << image.destination << " in the report of shard " << shard.to_string();
        }
    }
}

TEST_F(ShardTest, ShardsAreDisjointAndTogetherHoldEveryTag) {
    std::map<std::string, int> reported;  // destination → how many shards reported it
    for (const auto& run : sync_all_shards_at_once()) {
        ASSERT_TRUE(run.report) << run.cli.describe();
        for (const auto& image : run.report->images)
            ++reported[image.destination];
    }
    EXPECT_EQ(reported.size(), fleet_.tagged.size());
    for (const auto& [destination, count] : reported)
        EXPECT_EQ(count, 1) << destination;
}

TEST_F(ShardTest, VerifyOfAShardChecksOnlyThatShard) {
    const auto synced = cli_.run("sync", source_.host(), destination_.host(),
                                 with(plain_http(), {"--shard", "0/3"}));
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    EXPECT_EQ(verify({"--shard", "0/3"}).cli.exit_code, 0);
    EXPECT_EQ(verify().cli.exit_code, 1);  // the other shards' tags are missing
}

TEST_F(ShardTest, MalformedShardIsAUsageError) {
    const auto run = sync({"--shard", "3/3"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("below the count"), std::string::npos) << run.cli.describe();
}

}  // namespace
}  // namespace regmigrate::testing
