// Which destination repositories a run prunes, from what the producer listed: only those a
// pruning pair listed, only when every listing into them was complete, with the tags any
// pair's source serves kept.
#include "engine/prune/prune_phase.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

using Tags = std::vector<std::string>;

SyncPair pair_to(const std::string& destination, bool prune) {
    SyncPair pair;
    pair.source.host = "old.example";
    pair.destination.host = destination;
    pair.prune = prune;
    return pair;
}

SyncPlan plan_of(std::vector<SyncPair> pairs) {
    SyncPlan plan;
    plan.pairs = std::move(pairs);
    return plan;
}

Error listing_error() {
    return make_error(ErrorKind::http, "HTTP 500", 500);
}

TEST(PrunePhase, IsOffWhenNoPairPrunes) {
    const auto plan = plan_of({pair_to("new.example", false)});
    PrunePhase phase(plan);
    EXPECT_FALSE(phase.enabled());
    phase.listed(0, "app", Tags{"v1"});
    EXPECT_TRUE(phase.targets().empty());
}

TEST(PrunePhase, ARepositoryListedByAPruningPairIsATarget) {
    const auto plan = plan_of({pair_to("new.example", true)});
    PrunePhase phase(plan);
    phase.listed(0, "app", Tags{"v1", "v2"});
    const auto targets = phase.targets();
    ASSERT_EQ(targets.size(), 1u);
    EXPECT_EQ(targets[0].host, "new.example");
    EXPECT_EQ(targets[0].repository, "app");
    EXPECT_EQ(targets[0].source_tags, (std::set<std::string>{"v1", "v2"}));
    EXPECT_EQ(targets[0].pruning_pairs, (std::vector<std::size_t>{0}));
}

TEST(PrunePhase, AnEmptyCompleteListingIsATarget) {
    const auto plan = plan_of({pair_to("new.example", true)});
    PrunePhase phase(plan);
    phase.listed(0, "app", Tags{});
    ASSERT_EQ(phase.targets().size(), 1u);
    EXPECT_TRUE(phase.targets()[0].source_tags.empty());
}

TEST(PrunePhase, AFailedListingIsNoTarget) {
    const auto plan = plan_of({pair_to("new.example", true)});
    PrunePhase phase(plan);
    phase.listed(0, "app", listing_error());
    EXPECT_TRUE(phase.targets().empty());
}

TEST(PrunePhase, AFailedListingOfAnotherPairIntoTheSameRepositoryPrunesNothing) {
    const auto plan = plan_of({pair_to("new.example", true), pair_to("new.example", true)});
    PrunePhase phase(plan);
    phase.listed(0, "app", Tags{"v1"});
    phase.listed(1, "app", listing_error());
    EXPECT_TRUE(phase.targets().empty());
}

TEST(PrunePhase, TagsAPairThatDoesNotPruneServesStay) {
    const auto plan = plan_of({pair_to("new.example", true), pair_to("new.example", false)});
    PrunePhase phase(plan);
    phase.listed(0, "app", Tags{"v1"});
    phase.listed(1, "app", Tags{"v9"});
    const auto targets = phase.targets();
    ASSERT_EQ(targets.size(), 1u);
    EXPECT_EQ(targets[0].source_tags, (std::set<std::string>{"v1", "v9"}));
    EXPECT_EQ(targets[0].pruning_pairs, (std::vector<std::size_t>{0}));
}

TEST(PrunePhase, ARepositoryOnlyAPairThatDoesNotPruneListedIsNoTarget) {
    const auto plan = plan_of({pair_to("new.example", true), pair_to("new.example", false)});
    PrunePhase phase(plan);
    phase.listed(1, "other", Tags{"v1"});
    EXPECT_TRUE(phase.targets().empty());
}

TEST(PrunePhase, TheSameNameOnTwoDestinationsIsTwoTargetsInHostOrder) {
    const auto plan = plan_of({pair_to("b.example", true), pair_to("a.example", true)});
    PrunePhase phase(plan);
    phase.listed(0, "app", Tags{"v1"});
    phase.listed(1, "app", Tags{"v2"});
    const auto targets = phase.targets();
    ASSERT_EQ(targets.size(), 2u);
    EXPECT_EQ(targets[0].host, "a.example");
    EXPECT_EQ(targets[0].source_tags, (std::set<std::string>{"v2"}));
    EXPECT_EQ(targets[1].host, "b.example");
}

}  // namespace
}  // namespace regmigrate::engine
