// Docker Hub's pull rate limit as a client sees it: RateLimit-Limit / RateLimit-Remaining
// on manifest responses ("100;w=21600": 100 pulls per 21600-second window), 429 Too Many
// Requests with Retry-After when the budget is spent. Hub counts manifest GETs only (HEAD
// is free), so the gate slows manifest GETs when the budget runs low and holds every
// request back for as long as a 429 asks.
//
// The gate is the one place a 429's Retry-After is waited, for every registry and whether
// or not the run retries errors: the retry policy only counts such a resend (see
// count_throttled_retry) and never waits for the same 429 again.
#pragma once

#include "transport/http/response_stream.hpp"
#include "transport/retry/retry_policy.hpp"

#include <boost/beast/http/verb.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::registry {

// One RateLimit-* value: a count and, when given, its window ("w=" parameter, seconds).
struct RateLimitValue {
    std::uint64_t count = 0;
    std::optional<std::chrono::seconds> window;

    bool operator==(const RateLimitValue&) const = default;
};

// The longest window kept: longer ones (up to 2^64-1 s on the wire) are held to it, so its
// milliseconds fit a signed 64-bit count.
inline constexpr std::uint64_t max_rate_limit_window_seconds =
    static_cast<std::uint64_t>(std::chrono::milliseconds::max().count() / 1000);

// "100;w=21600" → {100, 21600s}; "76" → {76, none}. Unknown parameters are ignored;
// anything else (empty, negative, not a number, w=0) → nullopt.
std::optional<RateLimitValue> parse_rate_limit_value(std::string_view value);

struct RateLimitBudget {
    std::uint64_t limit = 0;
    std::uint64_t remaining = 0;
    std::chrono::seconds window{0};

    bool operator==(const RateLimitBudget&) const = default;
};

// Both headers' values (empty when absent); nullopt unless both parse, the limit is non-zero
// and one of them names the window.
std::optional<RateLimitBudget> parse_rate_limit(std::string_view limit_header,
                                                std::string_view remaining_header);

struct RateLimitPolicy {
    // The budget is low at or below this share of the limit (and always at 1 or 0).
    double low_share = 0.10;
    // The longest a single pause may last, whatever the server announces.
    std::chrono::seconds max_pause{3600};
    // A 429 without a usable Retry-After waits this long.
    std::chrono::seconds default_retry_after{60};
    // Consecutive 429 answers sent again before the 429 is returned to the caller (the
    // bound when no retry policy counts them).
    int max_throttled_retries = 5;
};

// Whether a 429 the gate waited out may be sent again, counted as one retry: against the
// request's attempts and the run's budget when it has them, the run's budget alone for a
// request without a tracker; always when the run has no retry policy (the gate's own bound
// then applies).
bool count_throttled_retry(transport::RetryPolicy* policy, transport::RetryAttempts* attempts);

// Whether the budget is low enough to pace manifest GETs, and the pace: one pull per
// window/limit (the rate a sliding window gives pulls back), rounded up to whole
// milliseconds and capped by max_pause. nullopt while the budget is comfortable.
std::optional<std::chrono::milliseconds> pause_for_budget(const RateLimitBudget& budget,
                                                          const RateLimitPolicy& policy);

// Hub counts these against the pull budget: GET /v2/<name>/manifests/<reference>.
bool is_manifest_get(boost::beast::http::verb method, boost::urls::url_view url);

struct RateLimitPause {
    std::chrono::milliseconds duration{0};
    std::string reason;  // for the log line: why we wait
};

// The rate-limit state of one registry client (single-threaded, like the client).
class RateLimitGate {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimitGate(std::string host, RateLimitPolicy policy = {});

    // How long to wait before sending this request at `now`, or nullopt to send at once.
    std::optional<RateLimitPause> pause_before(boost::beast::http::verb method,
                                               boost::urls::url_view url,
                                               Clock::time_point now) const;
    // Learns from a response's RateLimit headers and 429 answers: every 429 holds the host
    // for its Retry-After, even one given up on. True when the response is a 429 to send
    // again (after pause_before's wait); false once the consecutive retries are spent.
    bool observe(int status, std::string_view limit_header, std::string_view remaining_header,
                 std::string_view retry_after, Clock::time_point now,
                 std::chrono::system_clock::time_point wall_now);

    // pause_before, then logs the pause (how long, why) and sleeps through it.
    boost::asio::awaitable<void> wait_turn(boost::beast::http::verb method,
                                           boost::urls::url_view url);
    // observe() with the response's headers and the current time.
    bool observe(const transport::ResponseStream& response);

    const std::optional<RateLimitBudget>& budget() const { return budget_; }

  private:
    std::string host_;
    RateLimitPolicy policy_;
    std::optional<RateLimitBudget> budget_;
    std::optional<Clock::time_point> throttled_until_;
    std::chrono::seconds throttle_wait_{0};
    int consecutive_throttles_ = 0;
};

}  // namespace regmigrate::registry
