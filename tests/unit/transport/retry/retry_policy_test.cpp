#include "transport/retry/retry_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace regmigrate::transport {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using namespace std::chrono_literals;

RetrySettings settings_for_tests() {
    RetrySettings settings;
    settings.max_attempts = 4;
    settings.base_delay = 100ms;
    settings.max_delay = 1000ms;
    settings.max_retry_after = 10s;
    settings.global_budget = 100;
    return settings;
}

// Always draws the same value: the largest delay the jitter allows is 0.999...
UniformRandom constant(double u) {
    return [u] { return u; };
}

Error failure(ErrorKind kind, int status = 0) {
    return make_error(kind, "failed", status);
}

TEST(RetryReason, RetryableStatusesAreNamedByCode) {
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 429)), "http_429");
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 502)), "http_502");
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 503)), "http_503");
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 504)), "http_504");
}

TEST(RetryReason, ServerErrorFiveHundredIsNotRetried) {
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 500)), std::nullopt);
}

TEST(RetryReason, ClientErrorsAreNotRetried) {
    EXPECT_EQ(retry_reason(failure(ErrorKind::http, 400)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::not_found, 404)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::denied, 403)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::unauthorized, 401)), std::nullopt);
}

TEST(RetryReason, ResetsTimeoutsAndDamagedContentAreRetried) {
    EXPECT_EQ(retry_reason(failure(ErrorKind::network)), "network");
    EXPECT_EQ(retry_reason(failure(ErrorKind::timeout)), "timeout");
    EXPECT_EQ(retry_reason(failure(ErrorKind::digest_mismatch)), "digest_mismatch");
}

TEST(RetryReason, ProtocolAndLocalErrorsAreNotRetried) {
    EXPECT_EQ(retry_reason(failure(ErrorKind::protocol)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::invalid_argument)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::tls)), std::nullopt);
    EXPECT_EQ(retry_reason(failure(ErrorKind::io)), std::nullopt);
}

TEST(FullJitter, CeilingDoublesWithEachRetry) {
    const auto settings = settings_for_tests();
    EXPECT_EQ(full_jitter_delay(settings, 1, 0.5), 50ms);
    EXPECT_EQ(full_jitter_delay(settings, 2, 0.5), 100ms);
    EXPECT_EQ(full_jitter_delay(settings, 3, 0.5), 200ms);
}

TEST(FullJitter, CeilingStopsAtTheCap) {
    const auto settings = settings_for_tests();
    EXPECT_EQ(full_jitter_delay(settings, 10, 0.5), 500ms);
    EXPECT_EQ(full_jitter_delay(settings, 1'000'000, 0.5), 500ms);
}

TEST(FullJitter, ZeroDrawMeansNoWait) {
    EXPECT_EQ(full_jitter_delay(settings_for_tests(), 3, 0.0), 0ms);
}

TEST(FullJitter, OutOfRangeDrawsAreClamped) {
    const auto settings = settings_for_tests();
    EXPECT_LT(full_jitter_delay(settings, 1, 7.0), 100ms);
    EXPECT_EQ(full_jitter_delay(settings, 1, -1.0), 0ms);
}

TEST(DecorrelatedJitter, LowestDrawIsTheBaseDelay) {
    EXPECT_EQ(decorrelated_jitter_delay(settings_for_tests(), 300ms, 0.0), 100ms);
}

TEST(DecorrelatedJitter, SpansUpToThreeTimesThePreviousDelay) {
    // base 100 ms, previous 200 ms: uniform in [100, 600].
    EXPECT_EQ(decorrelated_jitter_delay(settings_for_tests(), 200ms, 0.5), 350ms);
}

TEST(DecorrelatedJitter, NeverExceedsTheCap) {
    EXPECT_EQ(decorrelated_jitter_delay(settings_for_tests(), 900ms, 0.99), 1000ms);
}

TEST(RetryAttempts, RetryableFailureIsRetriedAfterABackoff) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    const auto decision = attempts.after_failure(failure(ErrorKind::http, 503));
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->reason, "http_503");
    EXPECT_EQ(decision->delay, 50ms);
    EXPECT_EQ(decision->next_attempt, 2);
}

TEST(RetryAttempts, NonRetryableFailureGivesUp) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    EXPECT_FALSE(attempts.after_failure(failure(ErrorKind::http, 500)));
    EXPECT_EQ(policy.budget_left(), 100u);
}

TEST(RetryAttempts, GivesUpAfterMaxAttempts) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    EXPECT_TRUE(attempts.after_failure(failure(ErrorKind::network)));
    EXPECT_TRUE(attempts.after_failure(failure(ErrorKind::network)));
    EXPECT_TRUE(attempts.after_failure(failure(ErrorKind::network)));
    EXPECT_EQ(attempts.attempt(), 4);
    EXPECT_FALSE(attempts.after_failure(failure(ErrorKind::network)));
}

TEST(RetryAttempts, BackoffGrowsAcrossAttempts) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::timeout))->delay, 50ms);
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::timeout))->delay, 100ms);
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::timeout))->delay, 200ms);
}

TEST(RetryAttempts, DecorrelatedJitterFollowsThePreviousDelay) {
    auto settings = settings_for_tests();
    settings.jitter = Jitter::decorrelated;
    RetryPolicy policy(settings, constant(0.5));
    RetryAttempts attempts(policy);
    // [100, 300] → 200; then [100, 600] → 350; then [100, 1050] capped → 575.
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::network))->delay, 200ms);
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::network))->delay, 350ms);
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::network))->delay, 575ms);
}

TEST(RetryAttempts, RetryAfterLongerThanTheBackoffIsWaited) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    attempts.note_retry_after("3", std::chrono::system_clock::now());
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::http, 429))->delay, 3000ms);
}

TEST(RetryAttempts, RetryAfterIsCapped) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    attempts.note_retry_after("86400", std::chrono::system_clock::now());
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::http, 429))->delay, 10s);
}

TEST(RetryAttempts, RetryAfterShorterThanTheBackoffKeepsTheBackoff) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    attempts.note_retry_after("0", std::chrono::system_clock::now());
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::http, 503))->delay, 50ms);
}

TEST(RetryAttempts, RetryAfterAppliesToOneFailureOnly) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    attempts.note_retry_after("3", std::chrono::system_clock::now());
    attempts.after_failure(failure(ErrorKind::http, 429));
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::http, 429))->delay, 100ms);
}

TEST(RetryAttempts, UnparsableRetryAfterIsIgnored) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    attempts.note_retry_after("later", std::chrono::system_clock::now());
    EXPECT_EQ(attempts.after_failure(failure(ErrorKind::http, 429))->delay, 50ms);
}

TEST(RetryAttempts, ObserverHearsEachRetryReason) {
    std::vector<std::string> heard;
    RetryPolicy policy(settings_for_tests(), constant(0.5),
                       [&](std::string_view reason) { heard.emplace_back(reason); });
    RetryAttempts attempts(policy);
    attempts.after_failure(failure(ErrorKind::http, 502));
    attempts.after_failure(failure(ErrorKind::http, 404));
    attempts.after_failure(failure(ErrorKind::timeout));
    EXPECT_EQ(heard, (std::vector<std::string>{"http_502", "timeout"}));
}

// ---- retries waited by another layer (the rate-limit gate's 429s) ----

TEST(WaitedRetry, UsesUpAnAttemptOfTheRequest) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    EXPECT_TRUE(attempts.take_waited_retry("http_429"));
    EXPECT_EQ(attempts.attempt(), 2);
}

TEST(WaitedRetry, IsRefusedOnceTheRequestsAttemptsAreSpent) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));  // 4 attempts: 3 retries
    RetryAttempts attempts(policy);
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(attempts.take_waited_retry("http_429"));
    EXPECT_FALSE(attempts.take_waited_retry("http_429"));
    EXPECT_EQ(policy.budget_left(), 97u);
}

TEST(WaitedRetry, LeavesNoRetryToTheBackoffWhenTheAttemptsAreSpent) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    while (attempts.take_waited_retry("http_429")) {
    }
    attempts.note_retry_after("3", std::chrono::system_clock::now());
    EXPECT_FALSE(attempts.after_failure(failure(ErrorKind::http, 429)));
}

TEST(WaitedRetry, SharesTheAttemptsWithBackedOffRetries) {
    RetryPolicy policy(settings_for_tests(), constant(0.5));
    RetryAttempts attempts(policy);
    EXPECT_TRUE(attempts.take_waited_retry("http_429"));
    EXPECT_TRUE(attempts.after_failure(failure(ErrorKind::network)));
    EXPECT_TRUE(attempts.take_waited_retry("http_429"));
    EXPECT_FALSE(attempts.after_failure(failure(ErrorKind::network)));
}

TEST(WaitedRetry, TakesFromTheRunsBudgetAndIsRefusedWhenItIsSpent) {
    auto settings = settings_for_tests();
    settings.global_budget = 1;
    RetryPolicy policy(settings, constant(0.5));
    RetryAttempts first(policy);
    RetryAttempts second(policy);
    EXPECT_TRUE(first.take_waited_retry("http_429"));
    EXPECT_FALSE(second.take_waited_retry("http_429"));
    EXPECT_EQ(second.attempt(), 1);
}

TEST(WaitedRetry, IsObservedOnceUnderItsReason) {
    std::vector<std::string> heard;
    RetryPolicy policy(settings_for_tests(), constant(0.5),
                       [&](std::string_view reason) { heard.emplace_back(reason); });
    RetryAttempts attempts(policy);
    attempts.take_waited_retry("http_429");
    EXPECT_EQ(heard, (std::vector<std::string>{"http_429"}));
}

TEST(PolicyTakeRetry, TakesFromTheBudgetAndIsObserved) {
    auto settings = settings_for_tests();
    settings.global_budget = 1;
    std::vector<std::string> heard;
    RetryPolicy policy(settings, constant(0.5),
                       [&](std::string_view reason) { heard.emplace_back(reason); });
    EXPECT_TRUE(policy.take_retry("http_429"));
    EXPECT_FALSE(policy.take_retry("http_429"));
    EXPECT_EQ(heard, (std::vector<std::string>{"http_429"}));
}

TEST(RetryBudget, SharedAcrossRequestsAndExhausted) {
    auto settings = settings_for_tests();
    settings.global_budget = 2;
    RetryPolicy policy(settings, constant(0.5));
    RetryAttempts first(policy);
    RetryAttempts second(policy);
    EXPECT_TRUE(first.after_failure(failure(ErrorKind::network)));
    EXPECT_TRUE(second.after_failure(failure(ErrorKind::network)));
    RetryAttempts third(policy);
    EXPECT_FALSE(third.after_failure(failure(ErrorKind::network)));
    EXPECT_EQ(policy.budget_left(), 0u);
}

TEST(RetryBudget, ConcurrentTakersNeverOverspend) {
    auto settings = settings_for_tests();
    settings.global_budget = 1000;
    RetryPolicy policy(settings, constant(0.5));
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                if (policy.take_from_budget())
                    ++granted;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(granted.load(), 1000);
    EXPECT_EQ(policy.budget_left(), 0u);
}

TEST(DefaultUniformRandom, DrawsStayInTheUnitInterval) {
    const auto random = default_uniform_random();
    for (int i = 0; i < 1000; ++i) {
        const double u = random();
        EXPECT_GE(u, 0.0);
        EXPECT_LT(u, 1.0);
    }
}

}  // namespace
}  // namespace regmigrate::transport
