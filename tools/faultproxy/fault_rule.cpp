#include "tools/faultproxy/fault_rule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace regmigrate::faultproxy {
namespace {

Error invalid(std::string_view text, const std::string& why) {
    return make_error(ErrorKind::invalid_argument,
                      "fault rule \"" + std::string(text) + "\": " + why);
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ')
            ++i;
        const std::size_t begin = i;
        while (i < text.size() && text[i] != ' ')
            ++i;
        if (i > begin)
            words.push_back(text.substr(begin, i - begin));
    }
    return words;
}

std::optional<std::uint64_t> parse_count(std::string_view value) {
    std::uint64_t number = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || ptr != value.data() + value.size())
        return std::nullopt;
    return number;
}

// A duration in [1, bound] ms, or nullopt.
std::optional<std::chrono::milliseconds> parse_millis(std::string_view value,
                                                      std::chrono::milliseconds bound) {
    const auto ms = parse_count(value);
    if (!ms || *ms == 0 || *ms > static_cast<std::uint64_t>(bound.count()))
        return std::nullopt;
    return std::chrono::milliseconds(*ms);
}

std::optional<double> parse_fraction(std::string_view value) {
    double number = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || ptr != value.data() + value.size())
        return std::nullopt;
    return number;
}

// The kind word: a status code the proxy answers itself, or a named fault.
bool parse_kind(std::string_view word, FaultRule& rule) {
    static constexpr std::array<int, 5> kStatuses = {429, 500, 502, 503, 504};
    if (auto code = parse_count(word)) {
        const auto found = std::find(kStatuses.begin(), kStatuses.end(), static_cast<int>(*code));
        if (found == kStatuses.end())
            return false;
        rule.kind = FaultKind::status;
        rule.status = *found;
        return true;
    }
    for (auto kind : {FaultKind::reset, FaultKind::truncate, FaultKind::flip, FaultKind::stall,
                      FaultKind::drop, FaultKind::latency}) {
        if (word == to_string(kind)) {
            rule.kind = kind;
            return true;
        }
    }
    return false;
}

bool is_method(std::string_view value) {
    return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c));
    });
}

// Applies one key=value word; an error message when it is refused.
std::optional<std::string> apply_option(std::string_view key, std::string_view value,
                                        FaultRule& rule) {
    if (key == "method") {
        if (!is_method(value))
            return "method must be an upper-case HTTP verb";
        rule.method = std::string(value);
    } else if (key == "path") {
        try {
            rule.path = boost::regex(std::string(value));
        } catch (const boost::regex_error& e) {
            return std::string("invalid path regular expression: ") + e.what();
        }
        rule.path_pattern = std::string(value);
    } else if (key == "every") {
        const auto every = parse_count(value);
        if (!every || *every == 0 || *every > max_every) {
            return "every must be between 1 and " + std::to_string(max_every);
        }
        rule.every = *every;
    } else if (key == "probability") {
        const auto probability = parse_fraction(value);
        if (!probability || *probability < 0.0 || *probability > 1.0) {
            return "probability must be between 0 and 1";
        }
        rule.probability = *probability;
    } else if (key == "limit") {
        const auto limit = parse_count(value);
        if (!limit || *limit == 0)
            return "limit must be a positive count";
        rule.limit = *limit;
    } else if (key == "retry-after" || key == "retry-after-date") {
        const auto seconds = parse_count(value);
        if (!seconds || *seconds > max_retry_after_seconds) {
            return std::string(key) + " must be between 0 and " +
                   std::to_string(max_retry_after_seconds) + " seconds";
        }
        rule.retry_after = RetryAfter{
            key == "retry-after" ? RetryAfterForm::seconds : RetryAfterForm::http_date, *seconds};
    } else if (key == "stall-ms") {
        const auto ms = parse_millis(value, max_stall);
        if (!ms)
            return "stall-ms must be between 1 and " + std::to_string(max_stall.count());
        rule.stall = *ms;
    } else if (key == "delay-ms" || key == "connect-ms") {
        const auto ms = parse_millis(value, max_latency);
        if (!ms) {
            return std::string(key) + " must be between 1 and " +
                   std::to_string(max_latency.count());
        }
        (key == "delay-ms" ? rule.delay : rule.connect_delay) = *ms;
    } else if (key == "at") {
        const auto at = parse_fraction(value);
        if (!at || *at < 0.0 || *at >= 1.0)
            return "at must be a fraction in [0, 1)";
        rule.at = *at;
    } else {
        return "unknown option \"" + std::string(key) + "\"";
    }
    return std::nullopt;
}

// Options that only make sense with some kinds, and the one a kind requires.
std::optional<std::string> check_combination(const FaultRule& rule,
                                             const std::vector<std::string_view>& keys) {
    const auto has = [&](std::string_view key) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    if (rule.retry_after &&
        !(rule.kind == FaultKind::status && (rule.status == 429 || rule.status == 503))) {
        return "retry-after goes only with 429 or 503";
    }
    if (rule.kind == FaultKind::stall && rule.stall.count() == 0)
        return "stall needs stall-ms";
    if (rule.kind != FaultKind::stall && rule.stall.count() != 0) {
        return "stall-ms goes only with stall";
    }
    const bool body_fault = rule.kind == FaultKind::reset || rule.kind == FaultKind::truncate ||
                            rule.kind == FaultKind::flip;
    if (has("at") && !body_fault)
        return "at goes only with reset, truncate or flip";
    if (has("every") && rule.probability)
        return "every and probability exclude each other";
    const bool latency = rule.kind == FaultKind::latency;
    if (latency && rule.delay.count() == 0)
        return "latency needs delay-ms";
    if (!latency && (has("delay-ms") || has("connect-ms")))
        return "delay-ms and connect-ms go only with latency";
    if (latency && (has("every") || rule.probability || rule.limit)) {
        return "latency applies to every matching request: every, probability and limit go "
               "only with faults";
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(FaultKind kind) {
    switch (kind) {
        case FaultKind::status:
            return "status";
        case FaultKind::reset:
            return "reset";
        case FaultKind::truncate:
            return "truncate";
        case FaultKind::flip:
            return "flip";
        case FaultKind::stall:
            return "stall";
        case FaultKind::drop:
            return "drop";
        case FaultKind::latency:
            return "latency";
    }
    return "status";
}

Expected<FaultRule> parse_fault_rule(std::string_view text) {
    const auto words = split_words(text);
    if (words.empty())
        return invalid(text, "empty");
    FaultRule rule;
    rule.text = std::string(text);
    if (!parse_kind(words.front(), rule)) {
        return invalid(
            text, "unknown fault \"" + std::string(words.front()) +
                      "\" (429, 500, 502, 503, 504, reset, truncate, flip, stall, drop, latency)");
    }
    std::vector<std::string_view> seen;
    for (std::size_t i = 1; i < words.size(); ++i) {
        const auto equals = words[i].find('=');
        if (equals == std::string_view::npos || equals == 0) {
            return invalid(text, "expected KEY=VALUE, got \"" + std::string(words[i]) + "\"");
        }
        const auto key = words[i].substr(0, equals);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            return invalid(text, "\"" + std::string(key) + "\" given twice");
        }
        seen.push_back(key);
        if (auto refused = apply_option(key, words[i].substr(equals + 1), rule)) {
            return invalid(text, *refused);
        }
    }
    if (auto refused = check_combination(rule, seen))
        return invalid(text, *refused);
    if (rule.kind == FaultKind::latency && rule.connect_delay.count() == 0)
        rule.connect_delay = rule.delay;
    return rule;
}

}  // namespace regmigrate::faultproxy
