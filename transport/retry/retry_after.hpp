// The Retry-After header (RFC 9110 §10.2.3): how long a 429/503 asks us to wait.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace regmigrate::transport {

// The wait a Retry-After value asks for: delta-seconds ("120") or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT") measured from `now`; a date in the past means 0.
// Anything else (obsolete date forms, negative or fractional numbers, garbage) → nullopt.
// A delta too large to represent saturates; callers cap the wait anyway.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace regmigrate::transport
