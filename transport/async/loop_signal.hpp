// Waiting for a condition between coroutines of one single-threaded executor. Asio has no
// awaitable condition variable: waiters suspend on a timer that never expires and are woken
// by cancelling it. Neither class is thread-safe: notify and open from the executor's own
// thread (post to it from elsewhere).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace regmigrate::transport {

// Wakes waiters; it holds no state, so a waiter checks its condition before waiting and again
// after each wake-up. Waiting has no deadline of its own: whatever the condition waits on
// must be bounded (every network wait of the project is).
class LoopSignal {
  public:
    explicit LoopSignal(boost::asio::any_io_executor executor);

    boost::asio::awaitable<void> wait();
    // The longest waiter, if any.
    void notify_one();
    void notify_all();

  private:
    // Its expiry stays at the end of time: resetting it would cancel every waiter.
    boost::asio::steady_timer timer_;
};

// Closed until open(), then open for good: waiting on an open gate returns at once.
class LoopGate {
  public:
    explicit LoopGate(boost::asio::any_io_executor executor) : signal_(std::move(executor)) {}

    void open();
    bool is_open() const { return open_; }
    boost::asio::awaitable<void> wait();

  private:
    LoopSignal signal_;
    bool open_ = false;
};

}  // namespace regmigrate::transport
