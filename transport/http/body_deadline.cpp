#include "transport/http/body_deadline.hpp"

#include <algorithm>

namespace regmigrate::transport {

std::chrono::milliseconds body_time_allowed(const Timeouts& timeouts, std::uint64_t bytes) {
    const std::uint64_t cap = static_cast<std::uint64_t>(max_body_time.count());
    const std::uint64_t rate = timeouts.body_min_rate;
    const std::uint64_t floor = std::min<std::uint64_t>(
        static_cast<std::uint64_t>(std::max<std::int64_t>(timeouts.body_floor.count(), 0)), cap);
    if (rate == 0)
        return max_body_time;
    // Whole seconds first, so bytes * 1000 never overflows.
    const std::uint64_t seconds = bytes / rate;
    if (seconds > cap / 1000)
        return max_body_time;
    const std::uint64_t rest = bytes % rate;  // < rate
    const auto rest_ms = static_cast<std::uint64_t>(static_cast<long double>(rest) * 1000 / rate);
    const std::uint64_t transfer = seconds * 1000 + rest_ms;
    if (transfer > cap - floor)
        return max_body_time;
    return std::chrono::milliseconds(static_cast<std::int64_t>(floor + transfer));
}

}  // namespace regmigrate::transport
