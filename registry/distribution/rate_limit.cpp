#include "registry/distribution/rate_limit.hpp"

#include "transport/log.hpp"
#include "transport/retry/retry_after.hpp"
#include "transport/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace regmigrate::registry {

namespace {

std::optional<std::uint64_t> parse_count(std::string_view text) {
    std::uint64_t value = 0;
    const auto* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(text.data(), last, value);
    if (text.empty() || ec != std::errc{} || end != last)
        return std::nullopt;
    return value;
}

std::string seconds_text(std::chrono::milliseconds duration) {
    const auto tenths = (duration.count() + 50) / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

}  // namespace

std::optional<RateLimitValue> parse_rate_limit_value(std::string_view value) {
    RateLimitValue parsed;
    for (std::size_t start = 0, index = 0; start <= value.size(); ++index) {
        const auto end = std::min(value.find(';', start), value.size());
        const auto part = transport::trim(value.substr(start, end - start));
        start = end + 1;
        if (index == 0) {
            const auto count = parse_count(part);
            if (!count)
                return std::nullopt;
            parsed.count = *count;
        } else if (part.size() > 2 && (part[0] == 'w' || part[0] == 'W') && part[1] == '=') {
            const auto window = parse_count(part.substr(2));
            if (!window || *window == 0)
                return std::nullopt;
            // A server may name any 64-bit window: held to what milliseconds can count, so
            // no later conversion or sum overflows (pauses are capped far below anyway).
            parsed.window = std::chrono::seconds(std::min(*window, max_rate_limit_window_seconds));
        }
    }
    return parsed;
}

std::optional<RateLimitBudget> parse_rate_limit(std::string_view limit_header,
                                                std::string_view remaining_header) {
    const auto limit = parse_rate_limit_value(limit_header);
    const auto remaining = parse_rate_limit_value(remaining_header);
    if (!limit || !remaining || limit->count == 0)
        return std::nullopt;
    const auto window = limit->window ? limit->window : remaining->window;
    if (!window)
        return std::nullopt;
    return RateLimitBudget{limit->count, remaining->count, *window};
}

std::optional<std::chrono::milliseconds> pause_for_budget(const RateLimitBudget& budget,
                                                          const RateLimitPolicy& policy) {
    const auto low = std::max<double>(1.0, std::floor(budget.limit * policy.low_share));
    if (budget.limit == 0 || static_cast<double>(budget.remaining) > low)
        return std::nullopt;
    // Unsigned and divided before rounding up, so a limit or window near 2^64 cannot wrap.
    const auto window_seconds = static_cast<std::uint64_t>(std::clamp<std::int64_t>(
        budget.window.count(), 0, static_cast<std::int64_t>(max_rate_limit_window_seconds)));
    const std::uint64_t window_ms = window_seconds * 1000;
    const std::uint64_t pace = window_ms / budget.limit + (window_ms % budget.limit != 0 ? 1 : 0);
    const auto cap = std::chrono::duration_cast<std::chrono::milliseconds>(policy.max_pause);
    if (pace >= static_cast<std::uint64_t>(cap.count()))
        return cap;
    return std::chrono::milliseconds(static_cast<std::int64_t>(pace));
}

bool is_manifest_get(boost::beast::http::verb method, boost::urls::url_view url) {
    if (method != boost::beast::http::verb::get)
        return false;
    const auto path = url.encoded_path();
    const auto at = path.rfind("/manifests/");
    return path.starts_with("/v2/") && at != boost::urls::pct_string_view::npos && at > 3;
}

bool count_throttled_retry(transport::RetryPolicy* policy, transport::RetryAttempts* attempts) {
    constexpr std::string_view reason = "http_429";
    if (attempts)
        return attempts->take_waited_retry(reason);
    return !policy || policy->take_retry(reason);
}

RateLimitGate::RateLimitGate(std::string host, RateLimitPolicy policy)
    : host_(std::move(host)), policy_(policy) {}

std::optional<RateLimitPause> RateLimitGate::pause_before(boost::beast::http::verb method,
                                                          boost::urls::url_view url,
                                                          Clock::time_point now) const {
    if (throttled_until_ && *throttled_until_ > now) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(*throttled_until_ - now);
        return RateLimitPause{left, "429 Too Many Requests asked to retry after " +
                                        std::to_string(throttle_wait_.count()) + "s"};
    }
    if (!budget_ || !is_manifest_get(method, url))
        return std::nullopt;
    const auto pace = pause_for_budget(*budget_, policy_);
    if (!pace)
        return std::nullopt;
    return RateLimitPause{*pace, "pull budget low: " + std::to_string(budget_->remaining) + " of " +
                                     std::to_string(budget_->limit) + " left in a " +
                                     std::to_string(budget_->window.count()) +
                                     "s window; pacing manifest GETs"};
}

bool RateLimitGate::observe(int status, std::string_view limit_header,
                            std::string_view remaining_header, std::string_view retry_after,
                            Clock::time_point now, std::chrono::system_clock::time_point wall_now) {
    if (auto budget = parse_rate_limit(limit_header, remaining_header))
        budget_ = *budget;
    if (status != 429) {
        consecutive_throttles_ = 0;
        return false;
    }
    const auto asked = transport::parse_retry_after(retry_after, wall_now);
    throttle_wait_ = std::min(asked.value_or(policy_.default_retry_after), policy_.max_pause);
    throttled_until_ = now + throttle_wait_;
    return ++consecutive_throttles_ <= policy_.max_throttled_retries;
}

bool RateLimitGate::observe(const transport::ResponseStream& response) {
    return observe(response.status(), response.header("RateLimit-Limit"),
                   response.header("RateLimit-Remaining"), response.header("Retry-After"),
                   Clock::now(), std::chrono::system_clock::now());
}

boost::asio::awaitable<void> RateLimitGate::wait_turn(boost::beast::http::verb method,
                                                      boost::urls::url_view url) {
    const auto pause = pause_before(method, url, Clock::now());
    if (!pause || pause->duration.count() <= 0)
        co_return;
    log(LogLevel::warn, "rate limit: pausing before the next request",
        {{"host", host_},
         {"request", transport::describe_request(method, url)},
         {"pause", seconds_text(pause->duration)},
         {"reason", pause->reason}});
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, pause->duration);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace regmigrate::registry
