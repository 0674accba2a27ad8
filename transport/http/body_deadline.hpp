// How long a response body may take in total, besides the idle timer between its pieces.
#pragma once

#include "transport/http/http_message.hpp"

#include <chrono>
#include <cstdint>

namespace regmigrate::transport {

// The longest any body is given: also what the arithmetic saturates at.
inline constexpr std::chrono::milliseconds max_body_time = std::chrono::hours(24 * 365);

// timeouts.body_floor + bytes / timeouts.body_min_rate, saturating at max_body_time (a rate
// of 0 turns the total deadline off: max_body_time). `bytes` is the announced size, or for
// a body of unknown size the bytes received so far: its allowance grows as it arrives.
// Pure and overflow-safe for every input a server can announce.
std::chrono::milliseconds body_time_allowed(const Timeouts& timeouts, std::uint64_t bytes);

}  // namespace regmigrate::transport
