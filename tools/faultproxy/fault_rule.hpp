// One fault the proxy injects, as written on its command line:
//
//   KIND [method=VERB] [path=REGEX] [every=N | probability=P] [limit=N] [OPTION=VALUE...]
//
// KIND: 429, 500, 502, 503, 504 (answered by the proxy, the registry never sees the
// request), reset (RST in the middle of the response body), truncate (FIN there instead),
// flip (one body byte inverted), stall (the answer held back stall-ms), drop (the
// keep-alive connection closed right after a complete answer).
// Options: retry-after=SECONDS or retry-after-date=SECONDS (an IMF-fixdate that far
// ahead) on 429/503; stall-ms=MS on stall; at=FRACTION (0 <= at < 1, default 0.5) where
// in the body reset, truncate and flip strike.
//
// One more KIND is not a fault but a distance: `latency delay-ms=MS [connect-ms=MS]
// [method=VERB] [path=REGEX]` holds every matching request MS before it is forwarded (or
// answered by a fault), and each new upstream connection connect-ms (default: delay-ms)
// before it is opened: a far registry's round trip and handshake. Bytes within a request
// or an answer are not slowed. Latency rules do not take part in "first rule to fire
// wins" (a fault still fires on a delayed request) and take no every, probability or
// limit: the first latency rule matching a request applies to it.
#pragma once

#include "transport/error.hpp"

#include <boost/regex.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::faultproxy {

enum class FaultKind { status, reset, truncate, flip, stall, drop, latency };

// Bounds a rule may not exceed: the proxy must never hang a test.
inline constexpr std::chrono::milliseconds max_stall{60'000};
inline constexpr std::chrono::milliseconds max_latency{10'000};
inline constexpr std::uint64_t max_every = 1'000'000;
inline constexpr std::uint64_t max_retry_after_seconds = 86'400;

enum class RetryAfterForm { seconds, http_date };

struct RetryAfter {
    RetryAfterForm form = RetryAfterForm::seconds;
    std::uint64_t seconds = 0;
};

struct FaultRule {
    FaultKind kind = FaultKind::status;
    int status = 0;                         // FaultKind::status only
    std::optional<RetryAfter> retry_after;  // 429 and 503 only
    std::string method;                     // upper case; empty: any method
    std::string path_pattern;               // empty: any path
    boost::regex path{};                    // searched in the request path (no query)
    std::uint64_t every = 1;                // the Nth, 2Nth, ... matching request
    std::optional<double> probability;      // instead of every: each match with this chance
    std::optional<std::uint64_t> limit;     // injections at most
    std::chrono::milliseconds stall{0};
    std::chrono::milliseconds delay{0};          // latency: before each request
    std::chrono::milliseconds connect_delay{0};  // latency: before each new connection
    double at = 0.5;
    std::string text;  // as written, for log lines
};

Expected<FaultRule> parse_fault_rule(std::string_view text);

std::string_view to_string(FaultKind kind);

}  // namespace regmigrate::faultproxy
