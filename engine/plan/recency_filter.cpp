#include "engine/plan/recency_filter.hpp"

#include "engine/plan/duration.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

namespace regmigrate::engine {

namespace {

using std::chrono::seconds;

Error invalid(std::string message) {
    return make_error(ErrorKind::invalid_argument, std::move(message));
}

// Exactly `count` decimal digits at text[at...], or nullopt.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (text.size() < at + count)
        return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<std::chrono::sys_days> calendar_date(std::string_view text) {
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(*year),
                                           std::chrono::month(static_cast<unsigned>(*month)),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok())
        return std::nullopt;
    return std::chrono::sys_days(date);
}

// HH:MM:SS[.fraction](Z|+HH:MM|-HH:MM) after the date and its separator.
std::optional<TimePoint> time_of_day(std::chrono::sys_days day, std::string_view text) {
    const auto hour = digits(text, 0, 2);
    const auto minute = digits(text, 3, 2);
    const auto second = digits(text, 6, 2);
    if (!hour || !minute || !second || text[2] != ':' || text[5] != ':' || *hour > 23 ||
        *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    std::size_t at = 8;
    if (at < text.size() && text[at] == '.') {
        const std::size_t start = ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            ++at;
        if (at == start)
            return std::nullopt;
    }
    TimePoint time =
        day + std::chrono::hours(*hour) + std::chrono::minutes(*minute) + seconds(*second);
    const std::string_view zone = text.substr(std::min(at, text.size()));
    if (zone == "Z" || zone == "z")
        return time;
    const auto offset_hours = digits(zone, 1, 2);
    const auto offset_minutes = digits(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !offset_hours ||
        !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
        return std::nullopt;
    }
    const seconds offset =
        std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    // Local time = UTC + offset.
    return zone[0] == '+' ? time - offset : time + offset;
}

}  // namespace

Expected<TimePoint> parse_timestamp(std::string_view text) {
    const auto day = calendar_date(text);
    std::optional<TimePoint> time;
    if (day && text.size() == 10) {
        time = TimePoint(*day);
    } else if (day && text.size() > 11 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ')) {
        time = time_of_day(*day, text.substr(11));
    }
    if (!time) {
        return invalid("\"" + std::string(text) +
                       "\" is not a date: YYYY-MM-DD or RFC 3339 (2026-09-01T12:00:00Z)");
    }
    return *time;
}

Expected<NewerThan> parse_newer_than(std::string_view text) {
    NewerThan parsed{.text = std::string(text)};
    // A date starts with its four-digit year; an age never has four digits and a '-'.
    if (text.size() >= 10 && text[4] == '-') {
        auto date = parse_timestamp(text);
        if (!date)
            return date.error();
        parsed.date = *date;
        return parsed;
    }
    auto age = parse_duration(text);
    if (!age) {
        return invalid("\"" + std::string(text) +
                       "\" is neither a duration (90d, 36h, 30m, 2w) nor a date (2026-09-01, "
                       "2026-09-01T12:00:00Z)");
    }
    parsed.age = *age;
    return parsed;
}

std::optional<TimePoint> image_created(std::string_view config_json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view created;
    if (parser.parse(config_json.data(), config_json.size()).get(root) ||
        root["created"].get_string().get(created)) {
        return std::nullopt;
    }
    auto time = parse_timestamp(created);
    if (!time || time->time_since_epoch().count() <= 0)
        return std::nullopt;
    return *time;
}

Expected<std::size_t> parse_keep_last(std::string_view text) {
    std::size_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return invalid("\"" + std::string(text) + "\" is not a whole number");
    }
    if (count == 0)
        return invalid("must be at least 1 (0 would leave out every dated tag)");
    return count;
}

std::string_view to_string(LeftOutReason reason) {
    return reason == LeftOutReason::older ? "older" : "beyond_last";
}

RecencyDecision decide_recency(const std::vector<DatedTag>& tags, const RecencyFilter& filter,
                               TimePoint now) {
    std::vector<std::size_t> newest_first;  // indexes of the dated tags
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (tags[i].created)
            newest_first.push_back(i);
    }
    std::sort(newest_first.begin(), newest_first.end(), [&](std::size_t a, std::size_t b) {
        const DatedTag& x = tags[a];
        const DatedTag& y = tags[b];
        return *x.created != *y.created ? *x.created > *y.created : x.tag > y.tag;
    });
    std::vector<bool> within_last(tags.size(), false);
    const std::size_t places =
        std::min(filter.keep_last.value_or(tags.size()), newest_first.size());
    for (std::size_t rank = 0; rank < places; ++rank)
        within_last[newest_first[rank]] = true;
    RecencyDecision decision;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const DatedTag& tag = tags[i];
        if (!tag.created) {
            ++decision.undated;
            decision.kept.push_back(tag.tag);
        } else if (filter.newer_than && *tag.created < filter.newer_than->cutoff(now)) {
            decision.left_out.push_back({tag.tag, *tag.created, LeftOutReason::older});
        } else if (!within_last[i]) {
            decision.left_out.push_back({tag.tag, *tag.created, LeftOutReason::beyond_last});
        } else {
            decision.kept.push_back(tag.tag);
        }
    }
    return decision;
}

std::string format_date(TimePoint time) {
    const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(time)};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return text;
}

std::string explain(const LeftOutTag& tag, const RecencyFilter& filter) {
    std::string why = "created " + format_date(tag.created) + ", ";
    if (tag.reason == LeftOutReason::older) {
        why += "older than " + (filter.newer_than ? filter.newer_than->text : std::string("?"));
    } else {
        why += "beyond the last " + std::to_string(filter.keep_last.value_or(0));
    }
    return why;
}

}  // namespace regmigrate::engine
