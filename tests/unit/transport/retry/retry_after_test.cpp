#include "transport/retry/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace regmigrate::transport {
namespace {

using std::chrono::seconds;
using namespace std::chrono_literals;

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
std::chrono::system_clock::time_point rfc_example_time() {
    return std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;
}

TEST(RetryAfter, DeltaSecondsIsTheWait) {
    EXPECT_EQ(parse_retry_after("120", rfc_example_time()), seconds(120));
}

TEST(RetryAfter, ZeroDeltaMeansRetryNow) {
    EXPECT_EQ(parse_retry_after("0", rfc_example_time()), seconds(0));
}

TEST(RetryAfter, SurroundingWhitespaceIsIgnored) {
    EXPECT_EQ(parse_retry_after(" \t7 ", rfc_example_time()), seconds(7));
}

TEST(RetryAfter, HugeDeltaSaturatesInsteadOfFailing) {
    const auto wait = parse_retry_after("99999999999999999999999", rfc_example_time());
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, seconds::max());
}

TEST(RetryAfter, FutureDateIsTheTimeUntilIt) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:51:07 GMT", rfc_example_time()), seconds(90));
}

TEST(RetryAfter, DateAcrossMonthAndYearEnds) {
    const auto now = std::chrono::sys_days(std::chrono::year(2023) / 12 / 31) + 23h + 59min;
    EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now), seconds(90));
}

TEST(RetryAfter, PastDateMeansRetryNow) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", rfc_example_time()), seconds(0));
}

TEST(RetryAfter, DateEqualToNowMeansRetryNow) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", rfc_example_time()), seconds(0));
}

TEST(RetryAfter, PartialSecondUntilTheDateRoundsUp) {
    const auto now = rfc_example_time() - 1500ms;
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds(2));
}

TEST(RetryAfter, GarbageIsRefused) {
    EXPECT_EQ(parse_retry_after("soon", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, EmptyIsRefused) {
    EXPECT_EQ(parse_retry_after("", rfc_example_time()), std::nullopt);
    EXPECT_EQ(parse_retry_after("   ", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, NegativeOrFractionalDeltaIsRefused) {
    EXPECT_EQ(parse_retry_after("-5", rfc_example_time()), std::nullopt);
    EXPECT_EQ(parse_retry_after("1.5", rfc_example_time()), std::nullopt);
    EXPECT_EQ(parse_retry_after("+5", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, ObsoleteDateFormsAreRefused) {
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", rfc_example_time()),
              std::nullopt);
    EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, DateWithAnotherZoneIsRefused) {
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 UTC", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, ImpossibleCalendarDateIsRefused) {
    EXPECT_EQ(parse_retry_after("Fri, 30 Feb 2024 00:00:00 GMT", rfc_example_time()), std::nullopt);
    EXPECT_EQ(parse_retry_after("Fri, 01 Foo 2024 00:00:00 GMT", rfc_example_time()), std::nullopt);
    EXPECT_EQ(parse_retry_after("Fri, 01 Mar 2024 24:00:00 GMT", rfc_example_time()), std::nullopt);
}

TEST(RetryAfter, UnknownDayNameIsRefused) {
    EXPECT_EQ(parse_retry_after("Xyz, 06 Nov 1994 08:49:37 GMT", rfc_example_time()), std::nullopt);
}

}  // namespace
}  // namespace regmigrate::transport
