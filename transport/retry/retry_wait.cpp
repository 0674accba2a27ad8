#include "transport/retry/retry_wait.hpp"

#include "transport/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>

namespace regmigrate::transport {

namespace asio = boost::asio;

asio::awaitable<void> wait_to_retry(const RetryDecision& decision, std::string_view what,
                                    const Error& error) {
    log(LogLevel::warn, "retrying",
        {{"what", std::string(what)},
         {"reason", std::string(decision.reason)},
         {"attempt", std::to_string(decision.next_attempt)},
         {"delay_ms", std::to_string(decision.delay.count())},
         {"error", error.message}});
    asio::steady_timer timer(co_await asio::this_coro::executor, decision.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace regmigrate::transport
