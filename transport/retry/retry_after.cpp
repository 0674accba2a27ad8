#include "transport/retry/retry_after.hpp"

#include "transport/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace regmigrate::transport {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view s) {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    constexpr auto max_count = std::numeric_limits<std::chrono::seconds::rep>::max();
    if (ec == std::errc::result_out_of_range || value > static_cast<std::uint64_t>(max_count)) {
        return std::chrono::seconds(max_count);
    }
    if (ec != std::errc() || ptr != s.data() + s.size()) {
        return std::nullopt;
    }
    return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(value));
}

// A fixed-width decimal field of an IMF-fixdate.
std::optional<int> fixed_number(std::string_view s) {
    if (!all_digits(s)) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(s.data(), s.data() + s.size(), value);
    return value;
}

std::optional<unsigned> month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto it = std::find(kMonths.begin(), kMonths.end(), name);
    if (it == kMonths.end()) {
        return std::nullopt;
    }
    return static_cast<unsigned>(it - kMonths.begin()) + 1;
}

bool is_day_name(std::string_view name) {
    static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                              "Fri", "Sat", "Sun"};
    return std::find(kDays.begin(), kDays.end(), name) != kDays.end();
}

// IMF-fixdate is exactly "Www, DD Mmm YYYY HH:MM:SS GMT" (29 characters).
std::optional<std::chrono::system_clock::time_point> parse_imf_fixdate(std::string_view s) {
    if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT" || !is_day_name(s.substr(0, 3))) {
        return std::nullopt;
    }
    const auto day = fixed_number(s.substr(5, 2));
    const auto month = month_number(s.substr(8, 3));
    const auto year = fixed_number(s.substr(12, 4));
    const auto hour = fixed_number(s.substr(17, 2));
    const auto minute = fixed_number(s.substr(20, 2));
    const auto second = fixed_number(s.substr(23, 2));
    if (!day || !month || !year || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
        *second > 60) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) {
        return std::nullopt;
    }
    // A leap second (":60") is read as the next second; the day name is not cross-checked,
    // as a wrong weekday from a registry is harmless.
    return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    const auto text = transport::trim(value);
    if (all_digits(text)) {
        return parse_delta_seconds(text);
    }
    const auto date = parse_imf_fixdate(text);
    if (!date) {
        return std::nullopt;
    }
    if (*date <= now) {
        return std::chrono::seconds(0);
    }
    // Round a partial second up so we never retry before the date.
    return std::chrono::ceil<std::chrono::seconds>(*date - now);
}

}  // namespace regmigrate::transport
