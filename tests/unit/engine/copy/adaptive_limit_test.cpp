#include "engine/copy/adaptive_limit.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

constexpr std::uint64_t mib = 1024 * 1024;

AdaptiveLimit limit_of(std::size_t min, std::size_t max, std::size_t initial) {
    return AdaptiveLimit(AdaptiveLimitOptions{.min = min, .max = max, .initial = initial});
}

// A full round at the current limit, every transfer moving `bytes` in `seconds`.
std::size_t round_of(AdaptiveLimit& limit, std::uint64_t bytes, double seconds) {
    const std::size_t samples = limit.limit();
    for (std::size_t i = 0; i < samples; ++i)
        limit.record({bytes, seconds, false});
    return limit.limit();
}

const TransferSample throttled{0, 0.1, true};

TEST(AdaptiveLimit, StartsAtTheInitialLimitClampedToTheBounds) {
    EXPECT_EQ(limit_of(1, 32, 8).limit(), 8u);
    EXPECT_EQ(limit_of(4, 32, 1).limit(), 4u);
    EXPECT_EQ(limit_of(1, 6, 8).limit(), 6u);
    EXPECT_EQ(limit_of(0, 0, 0).limit(), 1u);
}

TEST(AdaptiveLimit, StaysPutUntilARoundOfTransfersHasFinished) {
    auto limit = limit_of(1, 32, 4);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(limit.record({mib, 1.0, false}), 4u);
}

TEST(AdaptiveLimit, DoublesPerRoundWhileStreamsKeepTheirSpeedUntilTheFirstDecrease) {
    auto limit = limit_of(1, 32, 4);
    EXPECT_EQ(round_of(limit, mib, 1.0), 8u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
}

TEST(AdaptiveLimit, GrowsByOnePerRoundAfterAThrottle) {
    auto limit = limit_of(1, 32, 8);
    EXPECT_EQ(limit.record(throttled), 4u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 5u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 6u);
}

TEST(AdaptiveLimit, NeverGrowsPastTheMaximum) {
    auto limit = limit_of(1, 5, 4);
    for (int round = 0; round < 10; ++round)
        round_of(limit, mib, 1.0);
    EXPECT_EQ(limit.limit(), 5u);
}

TEST(AdaptiveLimit, AThrottledTransferHalvesTheLimit) {
    auto limit = limit_of(1, 32, 10);
    EXPECT_EQ(limit.record(throttled), 5u);
}

TEST(AdaptiveLimit, ThrottlesFromTransfersAlreadyInFlightCountOnce) {
    auto limit = limit_of(1, 32, 16);
    EXPECT_EQ(limit.record(throttled), 8u);
    // The other 15 transfers started under the limit of 16 are answered 429 as well.
    for (int i = 0; i < 15; ++i)
        EXPECT_EQ(limit.record(throttled), 8u);
    // A throttle after them is news again.
    EXPECT_EQ(limit.record(throttled), 4u);
}

TEST(AdaptiveLimit, NeverShrinksBelowTheMinimum) {
    auto limit = limit_of(2, 32, 3);
    for (int i = 0; i < 10; ++i)
        limit.record(throttled);
    EXPECT_EQ(limit.limit(), 2u);
}

TEST(AdaptiveLimit, ShrinksToThreeQuartersWhenMoreStreamsLowerTheAggregateRateTwoRoundsInARow) {
    auto limit = limit_of(1, 32, 8);
    // 8 streams at 1 MiB/s each: 8 MiB/s.
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
    // 16 streams at 0.25 MiB/s each: 4 MiB/s, the registry is past its knee.
    EXPECT_EQ(round_of(limit, mib, 4.0), 16u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 12u);
}

TEST(AdaptiveLimit, OneRoundThatFallsHoldsTheLimit) {
    auto limit = limit_of(1, 64, 8);
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
    // A dip (CPU contention on the machine, a burst of slow answers): held, not shrunk.
    EXPECT_EQ(round_of(limit, mib, 4.0), 16u);
}

TEST(AdaptiveLimit, ARoundThatFellOnceIsForgottenWhenTheNextOneRecovers) {
    auto limit = limit_of(1, 64, 4);
    EXPECT_EQ(round_of(limit, mib, 1.0), 8u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 8u);
    // Back at 1 MiB/s per stream: still slow start, doubling.
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 16u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 32u);
}

TEST(AdaptiveLimit, ADoublingThatDoesNotRaiseTheRateIsUndone) {
    auto limit = limit_of(1, 64, 8);
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
    // 16 streams at 19/40 MiB/s each: 7.6 MiB/s, 5 % below 8 MiB/s (not a fall, but twice
    // the streams bought nothing): back to 8, then one more per round.
    EXPECT_EQ(round_of(limit, 19 * mib, 40.0), 8u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 9u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 10u);
}

TEST(AdaptiveLimit, ADoublingThatRaisesTheRateByAQuarterIsKept) {
    auto limit = limit_of(1, 64, 8);
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);  // 8 MiB/s
    // 16 streams at 5/8 MiB/s each: 10 MiB/s, a quarter more: doubling on.
    EXPECT_EQ(round_of(limit, 5 * mib, 8.0), 32u);
    // 32 streams at 0.3 MiB/s each: 9.6 MiB/s, less than 10 (not a tenth less): undone.
    EXPECT_EQ(round_of(limit, 3 * mib, 10.0), 16u);
}

TEST(AdaptiveLimit, ADoublingCutShortByTheMaximumPaysInProportion) {
    // From 32 to 48, a raise by half: kept when the rate rose by an eighth.
    auto kept = limit_of(1, 48, 32);
    EXPECT_EQ(round_of(kept, mib, 1.0), 48u);  // 32 MiB/s
    // 48 streams at 0.77 MiB/s each: 37 MiB/s, 15 % more.
    EXPECT_EQ(round_of(kept, 77 * mib, 100.0), 48u);
    auto undone = limit_of(1, 48, 32);
    EXPECT_EQ(round_of(undone, mib, 1.0), 48u);
    // 48 streams at 0.7 MiB/s each: 33.6 MiB/s, 5 % more.
    EXPECT_EQ(round_of(undone, 7 * mib, 10.0), 32u);
}

TEST(AdaptiveLimit, SmallDropsWithinTheToleranceAfterSlowStartStillGrow) {
    auto limit = limit_of(1, 64, 8);
    EXPECT_EQ(limit.record(throttled), 4u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 5u);  // 5 MiB/s: the baseline
    // 5 streams at 0.95 MiB/s each: 4.75 MiB/s, 5 % below.
    EXPECT_EQ(round_of(limit, 19 * mib, 20.0), 6u);
}

TEST(AdaptiveLimit, AfterADecreaseTheNextRoundSetsTheBaselineAndGrowthIsLinear) {
    auto limit = limit_of(1, 32, 8);
    EXPECT_EQ(round_of(limit, mib, 1.0), 16u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 16u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 12u);  // 4 MiB/s after 8, twice: collapse
    EXPECT_EQ(round_of(limit, mib, 6.0), 13u);  // 2 MiB/s: the new baseline, not compared
    EXPECT_EQ(round_of(limit, mib, 6.0), 14u);
}

TEST(AdaptiveLimit, NeverShrinksBelowTheMinimumOnCongestion) {
    auto limit = limit_of(6, 32, 4);
    EXPECT_EQ(round_of(limit, mib, 1.0), 12u);
    EXPECT_EQ(round_of(limit, mib, 100.0), 12u);
    EXPECT_EQ(round_of(limit, mib, 100.0), 9u);
    EXPECT_EQ(round_of(limit, mib, 100.0), 10u);
    EXPECT_EQ(round_of(limit, mib, 1000.0), 10u);
    EXPECT_EQ(round_of(limit, mib, 1000.0), 7u);
    EXPECT_EQ(round_of(limit, mib, 1000.0), 8u);
    EXPECT_EQ(round_of(limit, mib, 10000.0), 8u);
    EXPECT_EQ(round_of(limit, mib, 10000.0), 6u);
}

TEST(AdaptiveLimit, InstantTransfersCountAsRoomToGrow) {
    auto limit = limit_of(1, 32, 2);
    EXPECT_EQ(round_of(limit, mib, 0.0), 4u);
}

TEST(AdaptiveLimit, TransfersBelowTheSampleSizeDoNotMakeARound) {
    auto limit = limit_of(1, 32, 4);
    // Configs that take long (a busy registry's round trip) say nothing about bandwidth.
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(limit.record({1024, 5.0, false}), 4u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 8u);
}

TEST(AdaptiveLimit, SmallTransfersStillReportThrottles) {
    auto limit = limit_of(1, 32, 8);
    EXPECT_EQ(limit.record({1024, 0.1, true}), 4u);
}

}  // namespace
}  // namespace regmigrate::engine
