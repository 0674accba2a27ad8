// The total time a response body is given: body_time_allowed.
#include "transport/http/body_deadline.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace regmigrate::transport {
namespace {

using namespace std::chrono_literals;

Timeouts pace(std::chrono::milliseconds floor, std::uint64_t rate) {
    Timeouts timeouts;
    timeouts.body_floor = floor;
    timeouts.body_min_rate = rate;
    return timeouts;
}

TEST(BodyTimeAllowed, EmptyBodyGetsTheFloor) {
    EXPECT_EQ(body_time_allowed(pace(2000ms, 1000), 0), 2000ms);
}

TEST(BodyTimeAllowed, EachByteAddsItsTimeAtTheMinimumRate) {
    EXPECT_EQ(body_time_allowed(pace(2000ms, 1000), 5000), 7000ms);
}

TEST(BodyTimeAllowed, PartOfASecondIsCounted) {
    EXPECT_EQ(body_time_allowed(pace(0ms, 1000), 1500), 1500ms);
}

TEST(BodyTimeAllowed, DefaultsGiveAGigabyteHoursNotDays) {
    const auto allowed = body_time_allowed(Timeouts{}, 1'000'000'000);
    EXPECT_GT(allowed, 1h);
    EXPECT_LT(allowed, 24h);
}

TEST(BodyTimeAllowed, LargestAnnouncedSizeSaturatesInsteadOfOverflowing) {
    EXPECT_EQ(body_time_allowed(pace(1000ms, 1), std::numeric_limits<std::uint64_t>::max()),
              max_body_time);
}

TEST(BodyTimeAllowed, SizeJustUnderTheCapPlusTheFloorSaturates) {
    const auto cap_seconds = static_cast<std::uint64_t>(max_body_time.count() / 1000);
    EXPECT_EQ(body_time_allowed(pace(5000ms, 1), cap_seconds), max_body_time);
}

TEST(BodyTimeAllowed, HugeRateLeavesTheFloor) {
    EXPECT_EQ(body_time_allowed(pace(3000ms, std::numeric_limits<std::uint64_t>::max()), 12345),
              3000ms);
}

TEST(BodyTimeAllowed, HugeFloorSaturates) {
    EXPECT_EQ(body_time_allowed(pace(std::chrono::milliseconds::max(), 1000), 1000), max_body_time);
}

TEST(BodyTimeAllowed, NegativeFloorCountsAsZero) {
    EXPECT_EQ(body_time_allowed(pace(-5000ms, 1000), 2000), 2000ms);
}

TEST(BodyTimeAllowed, ZeroRateTurnsTheTotalDeadlineOff) {
    EXPECT_EQ(body_time_allowed(pace(1000ms, 0), 10), max_body_time);
}

}  // namespace
}  // namespace regmigrate::transport
