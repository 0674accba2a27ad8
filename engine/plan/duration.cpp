#include "engine/plan/duration.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace regmigrate::engine {

namespace {

// The cap also keeps the sum of the groups far from overflowing.
constexpr std::int64_t max_seconds = std::int64_t{36'500} * 86'400;

std::optional<std::int64_t> unit_seconds(char unit) {
    switch (unit) {
        case 's':
            return 1;
        case 'm':
            return 60;
        case 'h':
            return 3'600;
        case 'd':
            return 86'400;
        case 'w':
            return 7 * 86'400;
        default:
            return std::nullopt;
    }
}

Error invalid(std::string_view text, const char* why) {
    return make_error(ErrorKind::invalid_argument, "\"" + std::string(text) + "\" " + why);
}

}  // namespace

Expected<std::chrono::seconds> parse_duration(std::string_view text) {
    const auto bad = [&] {
        return invalid(text,
                       "is not a duration: whole numbers each with s, m, h, d or w (e.g. 90d, "
                       "1h30m)");
    };
    if (text.empty())
        return bad();
    std::int64_t total = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t digits_start = at;
        std::int64_t count = 0;
        for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            count = count * 10 + (text[at] - '0');
            if (count > max_seconds)
                return invalid(text, "is longer than 100 years");
        }
        if (at == digits_start || at == text.size())
            return bad();
        const auto unit = unit_seconds(text[at++]);
        if (!unit)
            return bad();
        if (count > (max_seconds - total) / *unit)
            return invalid(text, "is longer than 100 years");
        total += count * *unit;
    }
    if (total == 0)
        return invalid(text, "is no duration: it must be more than 0");
    return std::chrono::seconds(total);
}

}  // namespace regmigrate::engine
