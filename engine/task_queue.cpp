#include "engine/task_queue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// Polling starts fast (a task is usually seconds of work, a millisecond is nothing) and
// backs off so idle waiters cost little.
class Backoff {
public:
    explicit Backoff(asio::any_io_executor executor) : timer_(std::move(executor)) {}
    asio::awaitable<void> wait() {
        timer_.expires_after(delay_);
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        delay_ = std::min(delay_ * 2, std::chrono::milliseconds(20));
    }

private:
    asio::steady_timer timer_;
    std::chrono::milliseconds delay_{1};
};

}  // namespace

TaskQueue::TaskQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

asio::awaitable<void> TaskQueue::push(ImageTask task) {
    Backoff backoff(co_await asio::this_coro::executor);
    for (;;) {
        std::size_t current = size_.load();
        if (current < capacity_ && size_.compare_exchange_weak(current, current + 1)) break;
        if (current >= capacity_) co_await backoff.wait();
    }
    queue_.enqueue(std::move(task));
}

asio::awaitable<std::optional<ImageTask>> TaskQueue::pop() {
    Backoff backoff(co_await asio::this_coro::executor);
    for (;;) {
        ImageTask task;
        if (queue_.try_dequeue(task)) {
            --size_;
            co_return task;
        }
        // size_ counts reserved slots too: closed with nothing reserved means drained.
        if (closed_ && size_.load() == 0) co_return std::nullopt;
        co_await backoff.wait();
    }
}

}  // namespace regmigrate::engine
