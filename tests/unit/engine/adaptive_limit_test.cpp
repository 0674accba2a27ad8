#include "engine/adaptive_limit.hpp"

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

TEST(AdaptiveLimit, GrowsByOnePerRoundWhileStreamsKeepTheirSpeed) {
    auto limit = limit_of(1, 32, 4);
    EXPECT_EQ(round_of(limit, mib, 1.0), 5u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 6u);
    EXPECT_EQ(round_of(limit, mib, 1.0), 7u);
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

TEST(AdaptiveLimit, ShrinksToThreeQuartersWhenMoreStreamsLowerTheAggregateRate) {
    auto limit = limit_of(1, 32, 8);
    // 8 streams at 1 MiB/s each: 8 MiB/s.
    EXPECT_EQ(round_of(limit, mib, 1.0), 9u);
    // 9 streams at 0.5 MiB/s each: 4.5 MiB/s, the registry is past its knee.
    EXPECT_EQ(round_of(limit, mib, 2.0), 6u);
}

TEST(AdaptiveLimit, SmallDropsWithinTheToleranceStillGrow) {
    auto limit = limit_of(1, 32, 8);
    EXPECT_EQ(round_of(limit, mib, 1.0), 9u);
    // 9 streams at 8/9.5 MiB/s each: 7.58 MiB/s, 5 % below 8 MiB/s.
    EXPECT_EQ(round_of(limit, 8 * mib, 9.5), 10u);
}

TEST(AdaptiveLimit, GrowsAgainFromTheMinimumOnceTheRateRecovers) {
    auto limit = limit_of(4, 32, 4);
    EXPECT_EQ(round_of(limit, mib, 1.0), 5u);
    EXPECT_EQ(round_of(limit, mib, 4.0), 4u);  // collapse: three quarters, clamped to 4
    EXPECT_EQ(round_of(limit, mib, 4.0), 5u);  // the new baseline, measured at the minimum
    EXPECT_EQ(round_of(limit, mib, 4.0), 6u);
}

TEST(AdaptiveLimit, InstantTransfersCountAsRoomToGrow) {
    auto limit = limit_of(1, 32, 2);
    EXPECT_EQ(round_of(limit, 0, 0.0), 3u);
}

}  // namespace
}  // namespace regmigrate::engine
