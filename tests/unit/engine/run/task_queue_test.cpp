#include "engine/run/task_queue.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <set>
#include <thread>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;

ImageTask task_named(std::string tag) {
    return ImageTask{0, "repo", std::move(tag), "repo"};
}

// Takes the coroutine lambda itself (not its awaitable): co_spawn keeps the closure, and
// with it the captures, alive while the coroutine runs.
template <class Coroutine>
void spawn(asio::io_context& io, Coroutine coroutine) {
    asio::co_spawn(io, std::move(coroutine), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
}

TEST(TaskQueue, PopReturnsTasksInPushOrderOnOneThread) {
    asio::io_context io;
    TaskQueue queue(4);
    std::vector<std::string> seen;
    spawn(io, [&]() -> asio::awaitable<void> {
        co_await queue.push(task_named("a"));
        co_await queue.push(task_named("b"));
        queue.close();
        while (auto task = co_await queue.pop())
            seen.push_back(task->tag);
    });
    io.run();
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(TaskQueue, ProducerWaitsWhileTheQueueIsFull) {
    asio::io_context io;
    TaskQueue queue(2);
    std::size_t pushed = 0;
    std::size_t largest_backlog = 0;
    spawn(io, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 10; ++i) {
            co_await queue.push(task_named(std::to_string(i)));
            ++pushed;
            largest_backlog = std::max(largest_backlog, queue.size());
        }
        queue.close();
    });
    spawn(io, [&]() -> asio::awaitable<void> {
        while (co_await queue.pop()) {
        }
    });
    io.run();
    EXPECT_EQ(pushed, 10u);
    EXPECT_LE(largest_backlog, 2u);
}

TEST(TaskQueue, PopEndsOnceClosedAndDrained) {
    asio::io_context io;
    TaskQueue queue(1);
    bool ended = false;
    spawn(io, [&]() -> asio::awaitable<void> {
        queue.close();
        ended = !(co_await queue.pop()).has_value();
    });
    io.run();
    EXPECT_TRUE(ended);
}

TEST(TaskQueue, EveryTaskReachesExactlyOneWorkerAcrossThreads) {
    asio::io_context producer_loop;
    asio::io_context worker_loop_a;
    asio::io_context worker_loop_b;
    TaskQueue queue(8);
    constexpr int total = 2000;
    std::mutex mutex;
    std::multiset<std::string> received;
    auto drain = [&]() -> asio::awaitable<void> {
        while (auto task = co_await queue.pop()) {
            std::lock_guard lock(mutex);
            received.insert(task->tag);
        }
    };
    spawn(producer_loop, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < total; ++i)
            co_await queue.push(task_named(std::to_string(i)));
        queue.close();
    });
    spawn(worker_loop_a, drain);
    spawn(worker_loop_b, drain);
    std::thread a([&] { worker_loop_a.run(); });
    std::thread b([&] { worker_loop_b.run(); });
    producer_loop.run();
    a.join();
    b.join();
    ASSERT_EQ(received.size(), static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i)
        EXPECT_EQ(received.count(std::to_string(i)), 1u) << i;
}

}  // namespace
}  // namespace regmigrate::engine
