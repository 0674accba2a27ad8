// The bounded handoff between tag producers and image workers.
#pragma once

#include <concurrentqueue/concurrentqueue.h>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

namespace regmigrate::engine {

struct ImageTask {
    std::size_t pair = 0;  // index into the plan's pairs
    std::string source_repository;
    std::string tag;
    std::string destination_repository;
};

// Producers and workers run on different threads' event loops, so the queue must be safe
// across threads without blocking an event loop: moodycamel's lock-free MPMC queue does the
// handoff, an atomic count enforces the bound, and waiting sides poll with a short timer
// (backpressure: a producer facing a full queue waits, it does not grow the queue).
class TaskQueue {
  public:
    explicit TaskQueue(std::size_t capacity);

    // Waits while the queue holds `capacity` tasks.
    boost::asio::awaitable<void> push(ImageTask task);
    // The next task; nullopt once the queue is closed and drained.
    boost::asio::awaitable<std::optional<ImageTask>> pop();
    // No more pushes: lets idle workers finish.
    void close() { closed_ = true; }

    std::size_t size() const { return size_.load(); }
    std::size_t capacity() const { return capacity_; }

  private:
    moodycamel::ConcurrentQueue<ImageTask> queue_;
    std::atomic<std::size_t> size_{0};
    std::atomic<bool> closed_{false};
    const std::size_t capacity_;
};

}  // namespace regmigrate::engine
