#include "tools/faultproxy/fault_rule.hpp"

#include <gtest/gtest.h>

namespace regmigrate::faultproxy {
namespace {

FaultRule parsed(std::string_view text) {
    auto rule = parse_fault_rule(text);
    EXPECT_TRUE(rule) << text << ": " << (rule ? "" : rule.error().message);
    return rule ? std::move(*rule) : FaultRule();
}

void expect_refused(std::string_view text, std::string_view why) {
    auto rule = parse_fault_rule(text);
    ASSERT_FALSE(rule) << text << " was accepted";
    EXPECT_EQ(rule.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(rule.error().message.find(why), std::string::npos) << rule.error().message;
}

TEST(FaultRule, StatusCodeAloneFiresOnEveryRequest) {
    const auto rule = parsed("503");
    EXPECT_EQ(rule.kind, FaultKind::status);
    EXPECT_EQ(rule.status, 503);
    EXPECT_EQ(rule.every, 1u);
    EXPECT_TRUE(rule.method.empty());
    EXPECT_TRUE(rule.path_pattern.empty());
    EXPECT_FALSE(rule.limit);
    EXPECT_FALSE(rule.probability);
}

TEST(FaultRule, NamedKindsAreRecognised) {
    EXPECT_EQ(parsed("reset").kind, FaultKind::reset);
    EXPECT_EQ(parsed("truncate").kind, FaultKind::truncate);
    EXPECT_EQ(parsed("flip").kind, FaultKind::flip);
    EXPECT_EQ(parsed("drop").kind, FaultKind::drop);
    EXPECT_EQ(parsed("stall stall-ms=200").kind, FaultKind::stall);
    EXPECT_EQ(parsed("latency delay-ms=50").kind, FaultKind::latency);
}

TEST(FaultRule, LatencyDelaysNewConnectionsAsMuchAsRequestsByDefault) {
    const auto rule = parsed("latency delay-ms=50");
    EXPECT_EQ(rule.delay, std::chrono::milliseconds(50));
    EXPECT_EQ(rule.connect_delay, std::chrono::milliseconds(50));
}

TEST(FaultRule, LatencyOfNewConnectionsCanDiffer) {
    const auto rule = parsed("latency delay-ms=20 connect-ms=60 method=PUT path=/blobs/");
    EXPECT_EQ(rule.delay, std::chrono::milliseconds(20));
    EXPECT_EQ(rule.connect_delay, std::chrono::milliseconds(60));
    EXPECT_EQ(rule.method, "PUT");
    EXPECT_EQ(rule.path_pattern, "/blobs/");
}

TEST(FaultRule, ScheduleByMethodPathAndEveryNth) {
    const auto rule = parsed("502 method=GET path=/blobs/sha256: every=3 limit=2");
    EXPECT_EQ(rule.method, "GET");
    EXPECT_EQ(rule.path_pattern, "/blobs/sha256:");
    EXPECT_EQ(rule.every, 3u);
    EXPECT_EQ(rule.limit, 2u);
}

TEST(FaultRule, PathIsARegularExpression) {
    const auto rule = parsed("reset path=^/v2/[a-z]+/manifests/");
    EXPECT_TRUE(boost::regex_search(std::string("/v2/team/manifests/v1"), rule.path));
    EXPECT_FALSE(boost::regex_search(std::string("/v2/team/blobs/x"), rule.path));
}

TEST(FaultRule, ProbabilityInsteadOfSchedule) {
    EXPECT_EQ(parsed("flip probability=0.25").probability, 0.25);
}

TEST(FaultRule, RetryAfterInSecondsOrAsADate) {
    const auto seconds = parsed("429 retry-after=2");
    ASSERT_TRUE(seconds.retry_after);
    EXPECT_EQ(seconds.retry_after->form, RetryAfterForm::seconds);
    EXPECT_EQ(seconds.retry_after->seconds, 2u);
    const auto date = parsed("503 retry-after-date=3");
    ASSERT_TRUE(date.retry_after);
    EXPECT_EQ(date.retry_after->form, RetryAfterForm::http_date);
    EXPECT_EQ(date.retry_after->seconds, 3u);
}

TEST(FaultRule, WhereTheBodyIsStruck) {
    EXPECT_EQ(parsed("truncate at=0.1").at, 0.1);
    EXPECT_EQ(parsed("reset").at, 0.5);
}

TEST(FaultRule, ExtraSpacesAreIgnored) {
    EXPECT_EQ(parsed("  503   every=2  ").every, 2u);
}

TEST(FaultRule, TextIsKeptForLogs) {
    EXPECT_EQ(parsed("503 every=2").text, "503 every=2");
}

TEST(FaultRule, EmptyRuleIsRefused) {
    expect_refused("   ", "empty");
}

TEST(FaultRule, UnknownKindIsRefused) {
    expect_refused("explode", "unknown fault");
    expect_refused("404", "unknown fault");
}

TEST(FaultRule, UnknownOptionIsRefused) {
    expect_refused("503 colour=red", "unknown option");
}

TEST(FaultRule, WordWithoutValueIsRefused) {
    expect_refused("503 every", "KEY=VALUE");
}

TEST(FaultRule, RepeatedOptionIsRefused) {
    expect_refused("503 every=2 every=3", "twice");
}

TEST(FaultRule, LowerCaseMethodIsRefused) {
    expect_refused("503 method=get", "method");
}

TEST(FaultRule, InvalidRegexIsRefused) {
    expect_refused("503 path=([", "regular expression");
}

TEST(FaultRule, EveryOutOfBoundsIsRefused) {
    expect_refused("503 every=0", "every");
    expect_refused("503 every=1000001", "every");
    expect_refused("503 every=two", "every");
}

TEST(FaultRule, ProbabilityOutOfRangeIsRefused) {
    expect_refused("503 probability=1.5", "probability");
    expect_refused("503 probability=-0.1", "probability");
}

TEST(FaultRule, ZeroLimitIsRefused) {
    expect_refused("503 limit=0", "limit");
}

TEST(FaultRule, EveryAndProbabilityExcludeEachOther) {
    expect_refused("503 every=2 probability=0.5", "exclude");
}

TEST(FaultRule, RetryAfterOnlyWithTooManyRequestsOrUnavailable) {
    expect_refused("502 retry-after=1", "retry-after");
    expect_refused("reset retry-after=1", "retry-after");
}

TEST(FaultRule, RetryAfterIsBounded) {
    expect_refused("429 retry-after=86401", "retry-after");
}

TEST(FaultRule, StallNeedsABoundedDuration) {
    expect_refused("stall", "stall-ms");
    expect_refused("stall stall-ms=0", "stall-ms");
    expect_refused("stall stall-ms=60001", "stall-ms");
}

TEST(FaultRule, StallDurationOnlyWithStall) {
    expect_refused("503 stall-ms=10", "stall-ms");
}

TEST(FaultRule, LatencyNeedsABoundedDelay) {
    expect_refused("latency", "delay-ms");
    expect_refused("latency connect-ms=10", "delay-ms");
    expect_refused("latency delay-ms=0", "delay-ms");
    expect_refused("latency delay-ms=10001", "delay-ms");
    expect_refused("latency delay-ms=10 connect-ms=10001", "connect-ms");
}

TEST(FaultRule, DelaysOnlyWithLatency) {
    expect_refused("503 delay-ms=10", "only with latency");
    expect_refused("stall stall-ms=10 connect-ms=10", "only with latency");
}

TEST(FaultRule, LatencyAppliesToEveryMatchingRequest) {
    expect_refused("latency delay-ms=10 every=2", "every matching request");
    expect_refused("latency delay-ms=10 probability=0.5", "every matching request");
    expect_refused("latency delay-ms=10 limit=3", "every matching request");
}

TEST(FaultRule, StrikePointOnlyForBodyFaults) {
    expect_refused("503 at=0.5", "at goes only");
    expect_refused("truncate at=1", "fraction");
}

}  // namespace
}  // namespace regmigrate::faultproxy
