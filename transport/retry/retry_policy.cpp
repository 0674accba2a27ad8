#include "transport/retry/retry_policy.hpp"

#include "transport/retry/retry_after.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

namespace regmigrate::transport {

using std::chrono::milliseconds;

UniformRandom default_uniform_random() {
    return [] {
        thread_local std::mt19937_64 generator{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
    };
}

std::optional<std::string_view> retry_reason(const Error& error) {
    switch (error.http_status) {
        case 429:
            return "http_429";
        case 502:
            return "http_502";
        case 503:
            return "http_503";
        case 504:
            return "http_504";
        default:
            break;
    }
    switch (error.kind) {
        case ErrorKind::network:
            return "network";
        case ErrorKind::timeout:
            return "timeout";
        case ErrorKind::digest_mismatch:
            return "digest_mismatch";
        default:
            return std::nullopt;
    }
}

namespace {

// u * span, rounded down; u is clamped into [0, 1) so a sloppy source cannot overshoot.
milliseconds scaled(milliseconds span, double u) {
    const double clamped = std::clamp(u, 0.0, std::nextafter(1.0, 0.0));
    return milliseconds(
        static_cast<milliseconds::rep>(clamped * static_cast<double>(span.count())));
}

}  // namespace

milliseconds full_jitter_delay(const RetrySettings& settings, int retry, double u) {
    // Doubling stops at the cap, and the shift is bounded so it cannot overflow.
    milliseconds ceiling = settings.base_delay;
    for (int i = 1; i < retry && ceiling < settings.max_delay; ++i)
        ceiling *= 2;
    ceiling = std::min(ceiling, settings.max_delay);
    return scaled(ceiling, u);
}

milliseconds decorrelated_jitter_delay(const RetrySettings& settings, milliseconds previous,
                                       double u) {
    const milliseconds low = settings.base_delay;
    const milliseconds high = std::max(low, std::min(previous, settings.max_delay) * 3);
    return std::min(settings.max_delay, low + scaled(high - low, u));
}

RetryPolicy::RetryPolicy(RetrySettings settings, UniformRandom random, RetryObserver on_retry)
    : settings_(settings), random_(std::move(random)), on_retry_(std::move(on_retry)) {}

bool RetryPolicy::take_from_budget() {
    std::uint64_t spent = spent_.load();
    do {
        if (spent >= settings_.global_budget)
            return false;
    } while (!spent_.compare_exchange_weak(spent, spent + 1));
    return true;
}

std::uint64_t RetryPolicy::budget_left() const {
    const std::uint64_t spent = spent_.load();
    return spent >= settings_.global_budget ? 0 : settings_.global_budget - spent;
}

void RetryPolicy::observe(std::string_view reason) const {
    if (on_retry_)
        on_retry_(reason);
}

bool RetryPolicy::take_retry(std::string_view reason) {
    if (!take_from_budget())
        return false;
    observe(reason);
    return true;
}

RetryAttempts::RetryAttempts(RetryPolicy& policy)
    : policy_(policy), previous_delay_(policy.settings().base_delay) {}

void RetryAttempts::note_retry_after(std::string_view value,
                                     std::chrono::system_clock::time_point now) {
    if (auto wait = parse_retry_after(value, now))
        retry_after_ = *wait;
}

std::optional<RetryDecision> RetryAttempts::after_failure(const Error& error) {
    const auto retry_after = std::exchange(retry_after_, std::nullopt);
    const auto reason = retry_reason(error);
    const int retry = attempt_;
    if (!reason || !take_waited_retry(*reason))
        return std::nullopt;
    const auto& settings = policy_.settings();
    const double u = policy_.draw();
    milliseconds delay = settings.jitter == Jitter::full
                             ? full_jitter_delay(settings, retry, u)
                             : decorrelated_jitter_delay(settings, previous_delay_, u);
    previous_delay_ = delay;
    if (retry_after) {
        delay = std::max<milliseconds>(delay, std::min(*retry_after, settings.max_retry_after));
    }
    return RetryDecision{*reason, delay, attempt_};
}

bool RetryAttempts::take_waited_retry(std::string_view reason) {
    if (attempt_ >= policy_.settings().max_attempts || !policy_.take_retry(reason))
        return false;
    ++attempt_;
    return true;
}

}  // namespace regmigrate::transport
