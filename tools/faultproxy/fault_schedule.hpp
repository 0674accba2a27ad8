// Which request gets which fault: the rules in order, each counting the requests it
// matches; the first rule that fires wins. Latency rules stand apart: the first one that
// matches a request delays it, whatever fault fires. Pure and deterministic for a given seed.
#pragma once

#include "tools/faultproxy/fault_rule.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace regmigrate::faultproxy {

// What the latency rules add to one request.
struct Latency {
    std::chrono::milliseconds request{0};  // before it is forwarded or answered
    std::chrono::milliseconds connect{0};  // before each upstream connection it opens
};

class FaultSchedule {
  public:
    FaultSchedule(std::vector<FaultRule> rules, std::uint64_t seed);

    // The rule to apply to this request, or nullptr. `target` may carry a query: only
    // its path is matched.
    const FaultRule* next(std::string_view method, std::string_view target);
    // The delays of the first latency rule matching this request (none: zero).
    Latency latency(std::string_view method, std::string_view target);

    // How many times rule `index` fired (a latency rule: delayed a request) so far.
    std::uint64_t injected(std::size_t index) const { return counters_.at(index).injected; }
    std::size_t size() const { return rules_.size(); }

  private:
    struct Counters {
        std::uint64_t matched = 0;
        std::uint64_t injected = 0;
    };

    bool matches(const FaultRule& rule, std::string_view method, std::string_view path) const;

    std::vector<FaultRule> rules_;
    std::vector<Counters> counters_;
    std::mt19937_64 random_;
};

}  // namespace regmigrate::faultproxy
