#include "tools/faultproxy/fault_schedule.hpp"

namespace regmigrate::faultproxy {
namespace {

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace

FaultSchedule::FaultSchedule(std::vector<FaultRule> rules, std::uint64_t seed)
    : rules_(std::move(rules)), counters_(rules_.size()), random_(seed) {}

bool FaultSchedule::matches(const FaultRule& rule, std::string_view method,
                            std::string_view path) const {
    if (!rule.method.empty() && rule.method != method)
        return false;
    return rule.path_pattern.empty() || boost::regex_search(path.begin(), path.end(), rule.path);
}

const FaultRule* FaultSchedule::next(std::string_view method, std::string_view target) {
    const std::string_view path = path_of(target);
    const FaultRule* chosen = nullptr;
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const FaultRule& rule = rules_[i];
        if (rule.kind == FaultKind::latency || !matches(rule, method, path))
            continue;
        Counters& count = counters_[i];
        ++count.matched;
        // Every matching rule draws and counts even when an earlier rule fired, so the
        // schedule depends only on the sequence of requests.
        const bool due = rule.probability ? std::uniform_real_distribution<double>(
                                                0.0, 1.0)(random_) < *rule.probability
                                          : count.matched % rule.every == 0;
        const bool spent = rule.limit && count.injected >= *rule.limit;
        if (chosen || !due || spent)
            continue;
        ++count.injected;
        chosen = &rule;
    }
    return chosen;
}

Latency FaultSchedule::latency(std::string_view method, std::string_view target) {
    const std::string_view path = path_of(target);
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const FaultRule& rule = rules_[i];
        if (rule.kind != FaultKind::latency || !matches(rule, method, path))
            continue;
        ++counters_[i].matched;
        ++counters_[i].injected;
        return Latency{rule.delay, rule.connect_delay};
    }
    return Latency{};
}

}  // namespace regmigrate::faultproxy
