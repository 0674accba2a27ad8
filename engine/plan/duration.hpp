// Durations as flags and plan keys write them (--newer-than 90d, --watch 1h30m,
// --watch-stall-after 30m): one parser for all of them. Pure.
#pragma once

#include "transport/error.hpp"

#include <chrono>
#include <string_view>

namespace regmigrate::engine {

// Whole numbers each followed by a unit, added up: s, m, h, d (24 h) or w (7 d), e.g. "90d",
// "36h", "1h30m". More than 0 and at most 100 years; no signs, spaces or fractions. The
// error quotes the text and names neither flag nor key (the caller does).
Expected<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace regmigrate::engine
