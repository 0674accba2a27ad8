// When and how long to wait before trying a failed request again: pure decisions, no I/O.
// Exponential backoff with jitter, Retry-After honoured up to a cap, an attempt limit per
// request and one retry budget shared by the whole run (so a dead registry cannot turn a
// migration into hours of retries).
#pragma once

#include "transport/error.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace regmigrate::transport {

enum class Jitter {
    full,          // uniform in [0, min(cap, base * 2^n)]
    decorrelated,  // uniform in [base, previous * 3], capped
};

struct RetrySettings {
    int max_attempts = 5;  // per request, the first one included
    std::chrono::milliseconds base_delay{100};
    std::chrono::milliseconds max_delay{5'000};
    std::chrono::seconds max_retry_after{30};  // a longer Retry-After is cut to this
    Jitter jitter = Jitter::full;
    std::uint64_t global_budget = 1'000;  // retries of the whole run, all requests together
};

// A uniform draw in [0, 1). Called from every worker thread, so it must be thread-safe.
using UniformRandom = std::function<double()>;

// Draws from a per-thread generator seeded from std::random_device.
UniformRandom default_uniform_random();

// The metric label for a failure worth another attempt — "http_429", "http_502",
// "http_503", "http_504", "network" (resets, refused, truncated bodies), "timeout",
// "digest_mismatch" (content damaged in flight: fetch it again) — or nullopt (500 and
// other statuses, protocol and auth errors, bad input).
std::optional<std::string_view> retry_reason(const Error& error);

// Full jitter before retry number `retry` (1 for the first retry); u in [0, 1).
std::chrono::milliseconds full_jitter_delay(const RetrySettings& settings, int retry, double u);

// Decorrelated jitter following the previous delay (base_delay before the first retry).
std::chrono::milliseconds decorrelated_jitter_delay(const RetrySettings& settings,
                                                    std::chrono::milliseconds previous, double u);

// The settings and the run's shared budget; one instance serves every thread of a run.
class RetryPolicy {
  public:
    using RetryObserver = std::function<void(std::string_view reason)>;

    explicit RetryPolicy(RetrySettings settings, UniformRandom random = default_uniform_random(),
                         RetryObserver on_retry = {});

    const RetrySettings& settings() const { return settings_; }
    // Takes one retry from the shared budget; false once it is spent. Thread-safe.
    bool take_from_budget();
    std::uint64_t budget_left() const;
    double draw() const { return random_(); }
    // Tells the observer (the metrics hook) that a retry was decided.
    void observe(std::string_view reason) const;
    // A retry outside any RetryAttempts: takes it from the budget and observes it; false
    // (nothing taken) once the budget is spent.
    bool take_retry(std::string_view reason);

  private:
    RetrySettings settings_;
    UniformRandom random_;
    RetryObserver on_retry_;
    std::atomic<std::uint64_t> spent_{0};
};

struct RetryDecision {
    std::string_view reason;
    std::chrono::milliseconds delay;
    int next_attempt;  // 2 for the first retry
};

// The attempts of one request (or one blob transfer). Not thread-safe: one per operation.
class RetryAttempts {
  public:
    explicit RetryAttempts(RetryPolicy& policy);

    // Remembers the Retry-After of the latest answer; an unparsable value is ignored.
    void note_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

    // After a failed attempt: how long to wait before the next one, or nullopt to give up
    // (not retryable, attempts used up, or the run's budget spent). A Retry-After noted
    // since the last failure is waited at least, up to max_retry_after.
    std::optional<RetryDecision> after_failure(const Error& error);

    // A retry whose wait another layer carries out (the registry client's rate-limit gate
    // waits out a 429's Retry-After): it uses up an attempt and the run's budget like any
    // other and is observed, but no delay is decided here, so it is never waited twice.
    // False, with nothing taken, when the attempts or the budget are spent.
    bool take_waited_retry(std::string_view reason);

    int attempt() const { return attempt_; }

  private:
    RetryPolicy& policy_;
    int attempt_ = 1;
    std::chrono::milliseconds previous_delay_;
    std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace regmigrate::transport
