// The recency filters of a sync pair (--newer-than, --keep-last; plan keys newer_than,
// keep_last): which of a repository's selected tags are recent enough, decided from each
// tag's image creation date (its config's `created`; an index: its newest child's). Pure.
#pragma once

#include "transport/error.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

using TimePoint = std::chrono::sys_seconds;

// --newer-than: an age counted back from the run's start ("90d"), or a fixed instant
// ("2026-09-01", "2026-09-01T12:00:00+02:00").
struct NewerThan {
    std::string text;                         // as given, for messages
    std::optional<std::chrono::seconds> age;  // set: the cutoff is now - age
    TimePoint date{};                         // otherwise the cutoff

    // A tag created at the cutoff or later passes.
    TimePoint cutoff(TimePoint now) const { return age ? now - *age : date; }
};

// YYYY-MM-DD (midnight UTC), or RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM),
// 'T' also 't' or a space, 'Z' also 'z'. The fraction is dropped.
Expected<TimePoint> parse_timestamp(std::string_view text);
// An age (parse_duration, engine/plan/duration.hpp) or a timestamp; the error names neither flag
// nor key (the caller does).
Expected<NewerThan> parse_newer_than(std::string_view text);
// The `created` of an image config (JSON). nullopt when the config is not a JSON object,
// has no `created` string, or holds one that is not RFC 3339, or one at or before the Unix
// epoch: reproducible builds (ko, Bazel, Nix) write the epoch or Go's zero time there,
// which says nothing about when the image was made.
std::optional<TimePoint> image_created(std::string_view config_json);
// A whole number of at least 1 (keeping the last 0 would copy nothing dated).
Expected<std::size_t> parse_keep_last(std::string_view text);

struct RecencyFilter {
    std::optional<NewerThan> newer_than;
    std::optional<std::size_t> keep_last;  // >= 1: the newest N dated tags of a repository

    bool active() const { return newer_than || keep_last; }
};

struct DatedTag {
    std::string tag;
    std::optional<TimePoint> created;  // nullopt: the date could not be read
};

enum class LeftOutReason {
    older,        // created before the --newer-than cutoff
    beyond_last,  // not among the --keep-last newest
};
// The metric label: "older", "beyond_last".
std::string_view to_string(LeftOutReason reason);

struct LeftOutTag {
    std::string tag;
    TimePoint created;
    LeftOutReason reason;  // older when both apply
};

struct RecencyDecision {
    std::vector<std::string> kept;  // in the order given
    std::vector<LeftOutTag> left_out;
    std::size_t undated = 0;  // kept because their date could not be read
};

// A tag passes when it passes every filter given. A tag without a date is kept and counted
// and does not take one of the --keep-last places. Tags of the same date rank by name,
// the one sorting last first ("v2" before "v1"), so the choice is the same on every run.
RecencyDecision decide_recency(const std::vector<DatedTag>& tags, const RecencyFilter& filter,
                               TimePoint now);

// "created 2025-01-02, older than 90d" or "created 2025-01-02, beyond the last 5".
std::string explain(const LeftOutTag& tag, const RecencyFilter& filter);

// YYYY-MM-DD of a time point (UTC).
std::string format_date(TimePoint time);

}  // namespace regmigrate::engine
