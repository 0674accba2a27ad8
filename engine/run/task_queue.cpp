#include "engine/run/task_queue.hpp"

#include "engine/run/poll_backoff.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

TaskQueue::TaskQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

asio::awaitable<void> TaskQueue::push(ImageTask task) {
    PollBackoff backoff(co_await asio::this_coro::executor);
    for (;;) {
        std::size_t current = size_.load();
        if (current < capacity_ && size_.compare_exchange_weak(current, current + 1))
            break;
        if (current >= capacity_)
            co_await backoff.wait();
    }
    queue_.enqueue(std::move(task));
}

asio::awaitable<std::optional<ImageTask>> TaskQueue::pop() {
    PollBackoff backoff(co_await asio::this_coro::executor);
    for (;;) {
        ImageTask task;
        if (queue_.try_dequeue(task)) {
            --size_;
            co_return task;
        }
        // size_ counts reserved slots too: closed with nothing reserved means drained.
        if (closed_ && size_.load() == 0)
            co_return std::nullopt;
        co_await backoff.wait();
    }
}

}  // namespace regmigrate::engine
