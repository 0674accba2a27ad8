#include "engine/plan/duration.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, ReadsEachUnit) {
    EXPECT_EQ(parse_duration("45s").value(), 45s);
    EXPECT_EQ(parse_duration("30m").value(), 30min);
    EXPECT_EQ(parse_duration("36h").value(), 36h);
    EXPECT_EQ(parse_duration("90d").value(), 90 * 24h);
    EXPECT_EQ(parse_duration("2w").value(), 14 * 24h);
}

TEST(ParseDuration, GroupsAddUp) {
    EXPECT_EQ(parse_duration("1h30m").value(), 90min);
    EXPECT_EQ(parse_duration("1d12h").value(), 36h);
    EXPECT_EQ(parse_duration("1m1s").value(), 61s);
}

TEST(ParseDuration, RefusesZero) {
    EXPECT_FALSE(parse_duration("0d"));
    EXPECT_FALSE(parse_duration("0h0m"));
}

TEST(ParseDuration, RefusesAMissingOrUnknownUnit) {
    for (const auto* text : {"90", "d", "", "90y", "90D", "9 0d", "1.5d", "5ms", "1h30"})
        EXPECT_FALSE(parse_duration(text)) << text;
}

TEST(ParseDuration, RefusesSigns) {
    for (const auto* text : {"-5d", "+5d", "d5", "5d-1h"})
        EXPECT_FALSE(parse_duration(text)) << text;
}

TEST(ParseDuration, RefusesMoreThanAHundredYears) {
    EXPECT_TRUE(parse_duration("36500d"));
    EXPECT_FALSE(parse_duration("36501d"));
    EXPECT_FALSE(parse_duration("36500d1s"));
    EXPECT_FALSE(parse_duration("99999999999999999999999s"));
    EXPECT_FALSE(parse_duration("36600d36600d"));
}

TEST(ParseDuration, TheErrorQuotesTheText) {
    const auto parsed = parse_duration("soon");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(parsed.error().message.rfind("\"soon\" is not a duration", 0), 0u)
        << parsed.error().message;
}

}  // namespace
}  // namespace regmigrate::engine
