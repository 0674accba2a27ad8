#include "engine/run/endpoint_breaker.hpp"

namespace regmigrate::engine {

bool EndpointBreaker::on_failure(const std::string& registry, FailureCause cause,
                                 Clock::time_point now) {
    if (!is_endpoint_wide(cause)) {
        on_success(registry);
        return false;
    }
    Streak& streak = streaks_[registry];
    if (streak.tripped)
        return false;
    if (streak.failures == 0 || streak.cause != cause) {
        // A different failure is a different problem: its count starts over.
        streak = Streak{cause, 0, now, now, false};
    }
    ++streak.failures;
    streak.last = now;
    if (settings_.threshold == 0 || streak.failures < settings_.threshold ||
        now - streak.first < settings_.window) {
        return false;
    }
    streak.tripped = true;
    return true;
}

void EndpointBreaker::on_success(const std::string& registry) {
    const auto found = streaks_.find(registry);
    if (found != streaks_.end() && !found->second.tripped)
        streaks_.erase(found);
}

std::optional<std::string> EndpointBreaker::tripped(const std::string& registry) const {
    const auto found = streaks_.find(registry);
    if (found == streaks_.end() || !found->second.tripped)
        return std::nullopt;
    const Streak& streak = found->second;
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(streak.last - streak.first).count();
    return std::string(to_string(streak.cause)) + " " + std::to_string(streak.failures) +
           " times in a row over " + std::to_string(seconds) + " s";
}

}  // namespace regmigrate::engine
