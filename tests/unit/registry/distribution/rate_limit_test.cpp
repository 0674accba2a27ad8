#include "registry/distribution/rate_limit.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>
#include <limits>

#include <string>
#include <vector>

namespace regmigrate::registry {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;

const auto manifest_url =
    boost::urls::parse_uri("https://registry-1.docker.io/v2/library/nginx/manifests/1.25").value();
const auto blob_url =
    boost::urls::parse_uri("https://registry-1.docker.io/v2/library/nginx/blobs/sha256:ab").value();
const auto wall = std::chrono::system_clock::time_point{} + 1'700'000'000s;

TEST(RateLimitValue, ParsesCountAndWindow) {
    EXPECT_EQ(parse_rate_limit_value("100;w=21600"), (RateLimitValue{100, 21600s}));
}

TEST(RateLimitValue, WindowIsOptional) {
    EXPECT_EQ(parse_rate_limit_value("76"), (RateLimitValue{76, std::nullopt}));
}

TEST(RateLimitValue, ToleratesSpacesAndOtherParameters) {
    EXPECT_EQ(parse_rate_limit_value(" 5 ; comment=\"x\" ; W=60 "), (RateLimitValue{5, 60s}));
}

TEST(RateLimitValue, RefusesWhatIsNotACount) {
    for (const auto* value : {"", ";w=60", "-1;w=60", "ten;w=60", "1.5", "10;w=0", "10;w=x"}) {
        EXPECT_FALSE(parse_rate_limit_value(value)) << value;
    }
}

TEST(RateLimitBudget, CombinesLimitAndRemaining) {
    EXPECT_EQ(parse_rate_limit("100;w=21600", "76;w=21600"), (RateLimitBudget{100, 76, 21600s}));
}

TEST(RateLimitBudget, WindowMayComeFromEitherHeader) {
    EXPECT_EQ(parse_rate_limit("100", "76;w=600"), (RateLimitBudget{100, 76, 600s}));
}

TEST(RateLimitBudget, NeedsBothHeadersAndAWindow) {
    EXPECT_FALSE(parse_rate_limit("", "76;w=21600"));
    EXPECT_FALSE(parse_rate_limit("100;w=21600", ""));
    EXPECT_FALSE(parse_rate_limit("100", "76"));
    EXPECT_FALSE(parse_rate_limit("0;w=60", "0;w=60"));
}

TEST(PauseForBudget, NoPauseWhileMoreThanATenthRemains) {
    EXPECT_FALSE(pause_for_budget({100, 11, 21600s}, {}));
}

TEST(PauseForBudget, PacesAtTheWindowsRefillRateWhenLow) {
    EXPECT_EQ(pause_for_budget({100, 10, 21600s}, {}), std::chrono::milliseconds(216'000));
}

TEST(PauseForBudget, SmallLimitsAreLowAtTheLastPull) {
    EXPECT_FALSE(pause_for_budget({5, 2, 10s}, {}));
    EXPECT_EQ(pause_for_budget({5, 1, 10s}, {}), 2000ms);
}

TEST(PauseForBudget, RoundsUpToWholeMilliseconds) {
    EXPECT_EQ(pause_for_budget({3, 0, 1s}, {}), 334ms);
}

TEST(PauseForBudget, IsCappedByPolicy) {
    RateLimitPolicy policy;
    policy.max_pause = 30s;
    EXPECT_EQ(pause_for_budget({1, 0, 21600s}, policy), 30'000ms);
}

// ---- numbers near 2^64 from a hostile server ----

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

TEST(RateLimitValue, WindowNear2To64StaysAPositiveDuration) {
    const auto value = parse_rate_limit_value("1;w=18446744073709551615");
    ASSERT_TRUE(value);
    ASSERT_TRUE(value->window);
    EXPECT_GT(*value->window, std::chrono::hours(24 * 365 * 1000));
}

TEST(PauseForBudget, LimitNear2To64PacesAtOneMillisecond) {
    EXPECT_EQ(pause_for_budget({u64_max, 0, 21600s}, {}), 1ms);
}

TEST(PauseForBudget, WindowNear2To64IsCappedByPolicy) {
    const auto budget = parse_rate_limit("1;w=18446744073709551615", "0");
    ASSERT_TRUE(budget);
    EXPECT_EQ(pause_for_budget(*budget, {}), std::chrono::milliseconds(3'600'000));
}

TEST(PauseForBudget, LimitAndWindowBothNear2To64GiveAPauseWithinTheCap) {
    const auto budget =
        parse_rate_limit("18446744073709551615;w=18446744073709551615", "0;w=18446744073709551615");
    ASSERT_TRUE(budget);
    const auto pause = pause_for_budget(*budget, {});
    ASSERT_TRUE(pause);
    EXPECT_GT(*pause, 0ms);
    EXPECT_LE(*pause, std::chrono::milliseconds(3'600'000));
}

TEST(ManifestGet, OnlyGetsOfManifestsCount) {
    EXPECT_TRUE(is_manifest_get(verb::get, manifest_url));
    EXPECT_FALSE(is_manifest_get(verb::head, manifest_url));
    EXPECT_FALSE(is_manifest_get(verb::get, blob_url));
    EXPECT_FALSE(is_manifest_get(verb::get,
                                 boost::urls::parse_uri("https://h/token?x=/manifests/").value()));
}

class RateLimitGateTest : public ::testing::Test {
  protected:
    RateLimitGate gate_{"registry-1.docker.io"};
    RateLimitGate::Clock::time_point now_{};
};

TEST_F(RateLimitGateTest, SendsAtOnceWithoutHeaders) {
    gate_.observe(200, "", "", "", now_, wall);
    EXPECT_FALSE(gate_.pause_before(verb::get, manifest_url, now_));
}

TEST_F(RateLimitGateTest, PacesManifestGetsOnceTheBudgetIsLow) {
    gate_.observe(200, "10;w=2", "1;w=2", "", now_, wall);
    const auto pause = gate_.pause_before(verb::get, manifest_url, now_);
    ASSERT_TRUE(pause);
    EXPECT_EQ(pause->duration, 200ms);
    EXPECT_NE(pause->reason.find("1 of 10"), std::string::npos) << pause->reason;
}

TEST_F(RateLimitGateTest, LowBudgetDoesNotHoldBackHeadsOrBlobs) {
    gate_.observe(200, "10;w=2", "0;w=2", "", now_, wall);
    EXPECT_FALSE(gate_.pause_before(verb::head, manifest_url, now_));
    EXPECT_FALSE(gate_.pause_before(verb::get, blob_url, now_));
}

TEST_F(RateLimitGateTest, ResponsesWithoutHeadersKeepTheLastBudget) {
    gate_.observe(200, "10;w=2", "1;w=2", "", now_, wall);
    gate_.observe(200, "", "", "", now_, wall);
    EXPECT_TRUE(gate_.pause_before(verb::get, manifest_url, now_));
}

TEST_F(RateLimitGateTest, TooManyRequestsHoldsEveryRequestForRetryAfter) {
    EXPECT_TRUE(gate_.observe(429, "", "", "3", now_, wall));
    const auto pause = gate_.pause_before(verb::get, blob_url, now_ + 1s);
    ASSERT_TRUE(pause);
    EXPECT_EQ(pause->duration, 2000ms);
    EXPECT_NE(pause->reason.find("429"), std::string::npos) << pause->reason;
    EXPECT_FALSE(gate_.pause_before(verb::get, blob_url, now_ + 3s));
}

TEST_F(RateLimitGateTest, RetryAfterMayBeAnHttpDate) {
    // 1'700'000'000 is Tue, 14 Nov 2023 22:13:20 GMT.
    EXPECT_TRUE(gate_.observe(429, "", "", "Tue, 14 Nov 2023 22:13:25 GMT", now_, wall));
    EXPECT_EQ(gate_.pause_before(verb::get, manifest_url, now_)->duration, 5000ms);
}

TEST_F(RateLimitGateTest, TooManyRequestsWithoutRetryAfterWaitsThePolicyDefault) {
    EXPECT_TRUE(gate_.observe(429, "", "", "", now_, wall));
    EXPECT_EQ(gate_.pause_before(verb::get, manifest_url, now_)->duration, 60'000ms);
}

TEST(RateLimitGate, GivesUpAfterTheConfiguredNumberOfConsecutive429s) {
    RateLimitPolicy policy;
    policy.max_throttled_retries = 2;
    RateLimitGate gate("h", policy);
    const RateLimitGate::Clock::time_point now{};
    EXPECT_TRUE(gate.observe(429, "", "", "1", now, wall));
    EXPECT_TRUE(gate.observe(429, "", "", "1", now, wall));
    EXPECT_FALSE(gate.observe(429, "", "", "1", now, wall));
}

TEST(RateLimitGate, ASuccessResetsTheThrottleCount) {
    RateLimitPolicy policy;
    policy.max_throttled_retries = 1;
    RateLimitGate gate("h", policy);
    const RateLimitGate::Clock::time_point now{};
    EXPECT_TRUE(gate.observe(429, "", "", "1", now, wall));
    EXPECT_FALSE(gate.observe(200, "", "", "", now, wall));
    EXPECT_TRUE(gate.observe(429, "", "", "1", now, wall));
}

TEST(RateLimitGate, RetryAfterIsCappedByPolicy) {
    RateLimitPolicy policy;
    policy.max_pause = 10s;
    RateLimitGate gate("h", policy);
    const RateLimitGate::Clock::time_point now{};
    gate.observe(429, "", "", "86400", now, wall);
    EXPECT_EQ(gate.pause_before(verb::get, manifest_url, now)->duration, 10'000ms);
}

TEST(RateLimitGate, A429GivenUpOnStillHoldsTheHostForItsRetryAfter) {
    RateLimitPolicy policy;
    policy.max_throttled_retries = 0;
    RateLimitGate gate("h", policy);
    const RateLimitGate::Clock::time_point now{};
    EXPECT_FALSE(gate.observe(429, "", "", "4", now, wall));
    EXPECT_EQ(gate.pause_before(verb::get, blob_url, now)->duration, 4000ms);
}

// ---- a 429 the gate waits out, counted once by the retry policy ----

transport::RetrySettings two_attempts(std::uint64_t budget) {
    transport::RetrySettings settings;
    settings.max_attempts = 2;
    settings.global_budget = budget;
    return settings;
}

TEST(CountThrottledRetry, WithoutARetryPolicyTheGateAloneDecides) {
    EXPECT_TRUE(count_throttled_retry(nullptr, nullptr));
}

TEST(CountThrottledRetry, UsesUpOneAttemptOfTheRequest) {
    transport::RetryPolicy policy(two_attempts(10));
    transport::RetryAttempts attempts(policy);
    EXPECT_TRUE(count_throttled_retry(&policy, &attempts));
    EXPECT_FALSE(count_throttled_retry(&policy, &attempts));
    EXPECT_EQ(policy.budget_left(), 9u);
}

TEST(CountThrottledRetry, ARequestWithoutATrackerStillSpendsTheRunsBudget) {
    transport::RetryPolicy policy(two_attempts(1));
    EXPECT_TRUE(count_throttled_retry(&policy, nullptr));
    EXPECT_FALSE(count_throttled_retry(&policy, nullptr));
}

TEST(CountThrottledRetry, IsCountedInTheRetryMetricUnderHttp429) {
    std::vector<std::string> heard;
    transport::RetryPolicy policy(two_attempts(10), transport::default_uniform_random(),
                                  [&](std::string_view reason) { heard.emplace_back(reason); });
    transport::RetryAttempts attempts(policy);
    count_throttled_retry(&policy, &attempts);
    EXPECT_EQ(heard, (std::vector<std::string>{"http_429"}));
}

}  // namespace
}  // namespace regmigrate::registry
