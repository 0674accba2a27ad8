#include "engine/plan/recency_filter.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::string_view text) {
    return parse_timestamp(text).value();
}

const TimePoint now = at("2026-12-06T00:00:00Z");

DatedTag dated(std::string tag, std::string_view created) {
    return DatedTag{std::move(tag), at(created)};
}
DatedTag undated(std::string tag) {
    return DatedTag{std::move(tag), std::nullopt};
}

RecencyFilter newer_than(std::string_view text) {
    return RecencyFilter{.newer_than = parse_newer_than(text).value()};
}
RecencyFilter keep_last(std::size_t count) {
    return RecencyFilter{.keep_last = count};
}

std::vector<std::string> left_out_tags(const RecencyDecision& decision) {
    std::vector<std::string> tags;
    for (const auto& tag : decision.left_out)
        tags.push_back(tag.tag);
    return tags;
}

// Timestamps

TEST(ParseTimestamp, ADateIsMidnightUtc) {
    EXPECT_EQ(at("2026-09-01"), TimePoint(std::chrono::sys_days(std::chrono::year(2026) /
                                                                std::chrono::September / 1)));
}

TEST(ParseTimestamp, ReadsRfc3339InUtc) {
    EXPECT_EQ(at("2026-09-01T12:30:15Z"), at("2026-09-01") + 12h + 30min + 15s);
}

TEST(ParseTimestamp, AppliesTheOffset) {
    EXPECT_EQ(at("2026-09-01T12:00:00+02:00"), at("2026-09-01T10:00:00Z"));
    EXPECT_EQ(at("2026-09-01T12:00:00-01:30"), at("2026-09-01T13:30:00Z"));
}

TEST(ParseTimestamp, DropsTheFraction) {
    EXPECT_EQ(at("2024-01-01T00:00:00.123456789Z"), at("2024-01-01T00:00:00Z"));
}

TEST(ParseTimestamp, TakesLowerCaseAndASpaceSeparator) {
    EXPECT_EQ(at("2024-01-01t00:00:00z"), at("2024-01-01"));
    EXPECT_EQ(at("2024-01-01 00:00:00Z"), at("2024-01-01"));
}

TEST(ParseTimestamp, RefusesDaysThatDoNotExist) {
    for (const auto* text : {"2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31"})
        EXPECT_FALSE(parse_timestamp(text)) << text;
    EXPECT_TRUE(parse_timestamp("2024-02-29"));
}

TEST(ParseTimestamp, RefusesMalformedTimes) {
    for (const auto* text :
         {"2026-9-1", "2026/09/01", "2026-09-01T", "2026-09-01T12:00", "2026-09-01T12:00:00",
          "2026-09-01T24:00:00Z", "2026-09-01T12:60:00Z", "2026-09-01T12:00:00.Z",
          "2026-09-01T12:00:00+0200", "2026-09-01T12:00:00Zjunk", "2026-09-01x"}) {
        EXPECT_FALSE(parse_timestamp(text)) << text;
    }
}

// --newer-than

TEST(ParseNewerThan, AnAgeCountsBackFromNow) {
    const auto parsed = parse_newer_than("90d").value();
    EXPECT_EQ(parsed.cutoff(now), now - 90 * 24h);
    EXPECT_EQ(parsed.text, "90d");
}

TEST(ParseNewerThan, ADateIsAFixedCutoff) {
    const auto parsed = parse_newer_than("2026-09-01").value();
    EXPECT_EQ(parsed.cutoff(now), at("2026-09-01"));
    EXPECT_EQ(parsed.cutoff(now + 1000h), at("2026-09-01"));
}

TEST(ParseNewerThan, ErrorSaysWhatIsAccepted) {
    const auto parsed = parse_newer_than("soon");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(parsed.error().message.find("neither a duration"), std::string::npos);
}

TEST(ParseNewerThan, AnInvalidDateSaysItIsNotADate) {
    const auto parsed = parse_newer_than("2026-02-30");
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("not a date"), std::string::npos);
}

// --keep-last

TEST(ParseKeepLast, ReadsAPositiveNumber) {
    EXPECT_EQ(parse_keep_last("5").value(), 5u);
}

TEST(ParseKeepLast, RefusesZero) {
    const auto parsed = parse_keep_last("0");
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("at least 1"), std::string::npos);
}

TEST(ParseKeepLast, RefusesWhatIsNotAWholeNumber) {
    for (const auto* text : {"", "-1", "3x", "1.5", " 3"})
        EXPECT_FALSE(parse_keep_last(text)) << text;
}

// Image configs

TEST(ImageCreated, ReadsTheConfigsCreated) {
    EXPECT_EQ(image_created(R"({"architecture":"amd64","created":"2025-01-02T03:04:05.5Z"})"),
              at("2025-01-02T03:04:05Z"));
}

TEST(ImageCreated, NoCreatedIsUndated) {
    EXPECT_EQ(image_created(R"({"architecture":"amd64"})"), std::nullopt);
}

TEST(ImageCreated, AnUnparsableCreatedIsUndated) {
    EXPECT_EQ(image_created(R"({"created":"yesterday"})"), std::nullopt);
    EXPECT_EQ(image_created(R"({"created":1700000000})"), std::nullopt);
}

TEST(ImageCreated, TheEpochAndGosZeroTimeAreUndated) {
    EXPECT_EQ(image_created(R"({"created":"1970-01-01T00:00:00Z"})"), std::nullopt);
    EXPECT_EQ(image_created(R"({"created":"0001-01-01T00:00:00Z"})"), std::nullopt);
    EXPECT_EQ(image_created(R"({"created":"1970-01-01T00:00:01Z"})"), at("1970-01-01T00:00:01Z"));
}

TEST(ImageCreated, WhatIsNotAJsonObjectIsUndated) {
    for (const auto* text : {"", "not json", "[]", R"("2025-01-02")", "{\"created\":"})
        EXPECT_EQ(image_created(text), std::nullopt) << text;
}

// Decisions

TEST(DecideRecency, WithoutFiltersKeepsEverything) {
    const auto decision = decide_recency({dated("a", "2020-01-01"), undated("b")}, {}, now);
    EXPECT_EQ(decision.kept, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(decision.left_out.empty());
}

TEST(DecideRecency, NewerThanLeavesOutOlderTags) {
    const auto decision = decide_recency({dated("old", "2026-08-01"), dated("new", "2026-11-30")},
                                         newer_than("90d"), now);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"new"});
    ASSERT_EQ(decision.left_out.size(), 1u);
    EXPECT_EQ(decision.left_out[0].tag, "old");
    EXPECT_EQ(decision.left_out[0].reason, LeftOutReason::older);
}

TEST(DecideRecency, ATagCreatedExactlyAtTheCutoffIsKept) {
    const auto decision =
        decide_recency({dated("edge", "2026-09-01"), dated("before", "2026-08-31T23:59:59Z")},
                       newer_than("2026-09-01"), now);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"edge"});
    EXPECT_EQ(left_out_tags(decision), std::vector<std::string>{"before"});
}

TEST(DecideRecency, KeepLastKeepsTheNewestInTheGivenOrder) {
    const auto decision = decide_recency({dated("v1", "2026-01-01"), dated("v3", "2026-03-01"),
                                          dated("v2", "2026-02-01"), dated("v4", "2026-04-01")},
                                         keep_last(2), now);
    EXPECT_EQ(decision.kept, (std::vector<std::string>{"v3", "v4"}));
    EXPECT_EQ(left_out_tags(decision), (std::vector<std::string>{"v1", "v2"}));
    EXPECT_EQ(decision.left_out[0].reason, LeftOutReason::beyond_last);
}

TEST(DecideRecency, KeepLastAboveTheTagCountKeepsAll) {
    const auto decision =
        decide_recency({dated("a", "2026-01-01"), dated("b", "2026-02-01")}, keep_last(10), now);
    EXPECT_EQ(decision.kept.size(), 2u);
}

TEST(DecideRecency, TiesRankTheTagSortingLastFirst) {
    const auto decision = decide_recency(
        {dated("v1", "2026-05-01"), dated("v2", "2026-05-01"), dated("latest", "2026-05-01")},
        keep_last(2), now);
    EXPECT_EQ(decision.kept, (std::vector<std::string>{"v1", "v2"}));
    EXPECT_EQ(left_out_tags(decision), std::vector<std::string>{"latest"});
}

TEST(DecideRecency, TiesDecideTheSameWhateverTheListingOrder) {
    const auto a =
        decide_recency({dated("x", "2026-05-01"), dated("y", "2026-05-01")}, keep_last(1), now);
    const auto b =
        decide_recency({dated("y", "2026-05-01"), dated("x", "2026-05-01")}, keep_last(1), now);
    EXPECT_EQ(a.kept, b.kept);
}

TEST(DecideRecency, UndatedTagsAreKeptAndCounted) {
    const auto decision =
        decide_recency({undated("mystery"), dated("old", "2020-01-01")}, newer_than("90d"), now);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"mystery"});
    EXPECT_EQ(decision.undated, 1u);
}

TEST(DecideRecency, UndatedTagsTakeNoKeepLastPlace) {
    const auto decision = decide_recency(
        {undated("u1"), undated("u2"), dated("a", "2026-01-01"), dated("b", "2026-02-01")},
        keep_last(1), now);
    EXPECT_EQ(decision.kept, (std::vector<std::string>{"u1", "u2", "b"}));
    EXPECT_EQ(decision.undated, 2u);
}

TEST(DecideRecency, BothFiltersMustPass) {
    RecencyFilter filter = newer_than("90d");
    filter.keep_last = 2;
    const auto decision =
        decide_recency({dated("ancient", "2025-01-01"), dated("recent1", "2026-11-01"),
                        dated("recent2", "2026-11-02"), dated("recent3", "2026-11-03")},
                       filter, now);
    EXPECT_EQ(decision.kept, (std::vector<std::string>{"recent2", "recent3"}));
    ASSERT_EQ(decision.left_out.size(), 2u);
    EXPECT_EQ(decision.left_out[0].tag, "ancient");
    EXPECT_EQ(decision.left_out[0].reason, LeftOutReason::older);
    EXPECT_EQ(decision.left_out[1].tag, "recent1");
    EXPECT_EQ(decision.left_out[1].reason, LeftOutReason::beyond_last);
}

TEST(DecideRecency, ATagFailingBothIsLeftOutAsOlder) {
    RecencyFilter filter = newer_than("90d");
    filter.keep_last = 1;
    const auto decision =
        decide_recency({dated("old1", "2025-01-01"), dated("old2", "2025-02-01")}, filter, now);
    ASSERT_EQ(decision.left_out.size(), 2u);
    EXPECT_EQ(decision.left_out[0].reason, LeftOutReason::older);
    EXPECT_EQ(decision.left_out[1].reason, LeftOutReason::older);
}

TEST(DecideRecency, FutureDatesCountAsNewest) {
    const auto decision = decide_recency(
        {dated("future", "2030-01-01"), dated("today", "2026-12-05")}, keep_last(1), now);
    EXPECT_EQ(decision.kept, std::vector<std::string>{"future"});
}

TEST(DecideRecency, NoTagsDecidesNothing) {
    const auto decision = decide_recency({}, keep_last(3), now);
    EXPECT_TRUE(decision.kept.empty());
    EXPECT_TRUE(decision.left_out.empty());
    EXPECT_EQ(decision.undated, 0u);
}

// Explanations

TEST(Explain, SaysTheDateAndTheAge) {
    const LeftOutTag tag{"v1", at("2025-01-02T10:00:00Z"), LeftOutReason::older};
    EXPECT_EQ(explain(tag, newer_than("90d")), "created 2025-01-02, older than 90d");
}

TEST(Explain, SaysTheKeepLastCount) {
    const LeftOutTag tag{"v1", at("2025-01-02"), LeftOutReason::beyond_last};
    EXPECT_EQ(explain(tag, keep_last(5)), "created 2025-01-02, beyond the last 5");
}

TEST(LeftOutReason, NamesAreTheMetricLabels) {
    EXPECT_EQ(to_string(LeftOutReason::older), "older");
    EXPECT_EQ(to_string(LeftOutReason::beyond_last), "beyond_last");
}

}  // namespace
}  // namespace regmigrate::engine
