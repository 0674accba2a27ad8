// Waiting for state another thread changes, without cross-thread wake-up plumbing: look
// again after a delay that starts at 1 ms (the wait is usually short) and doubles to 20 ms
// (so long waits cost little).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace regmigrate::engine {

class PollBackoff {
  public:
    explicit PollBackoff(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {}

    boost::asio::awaitable<void> wait() {
        timer_.expires_after(delay_);
        co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        delay_ = std::min(delay_ * 2, std::chrono::milliseconds(20));
    }

  private:
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds delay_{1};
};

}  // namespace regmigrate::engine
