// The breaker for endpoint-wide failures: when one registry fails the same way (refused
// connections, TLS, credentials) for `threshold` operations in a row over at least
// `window`, with nothing succeeding in between, it is tripped and the run starts no new
// image on it. The window lets a registry that restarts come back: failures while it is
// down, however many, trip nothing before the window has passed. A pure state machine:
// the caller passes the time and serialises the calls.
#pragma once

#include "engine/run/failure_cause.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace regmigrate::engine {

struct BreakerSettings {
    std::size_t threshold = 20;  // 0: never trips
    std::chrono::milliseconds window{std::chrono::seconds(30)};
};

class EndpointBreaker {
  public:
    using Clock = std::chrono::steady_clock;

    explicit EndpointBreaker(BreakerSettings settings = {}) : settings_(settings) {}

    // An operation on `registry` failed. Causes that are not endpoint-wide show the
    // registry answering, and count as a success. True exactly once: when this failure
    // trips the breaker.
    bool on_failure(const std::string& registry, FailureCause cause, Clock::time_point now);
    // An operation on `registry` succeeded: its streak of failures ends.
    void on_success(const std::string& registry);

    // Why `registry` is tripped ("connection refused 20 times in a row over 31 s"), or
    // nullopt while it is not.
    std::optional<std::string> tripped(const std::string& registry) const;

  private:
    struct Streak {
        FailureCause cause = FailureCause::other;
        std::size_t failures = 0;
        Clock::time_point first;
        Clock::time_point last;
        bool tripped = false;
    };
    BreakerSettings settings_;
    std::map<std::string, Streak, std::less<>> streaks_;
};

}  // namespace regmigrate::engine
