// for_each_bounded: the steps of one image run concurrently up to the bound, the first
// failure starts nothing more and tells the running steps, and the call returns only when
// every started step has ended. Timers stand in for network waits (no sockets).
#include "engine/copy/bounded_parallel.hpp"
#include "tests/support/run_coro.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;
using testing::run_coro;

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Counts steps in flight: each step waits a little, as a transfer waits on the network.
struct Tracker {
    std::size_t running = 0;
    std::size_t peak = 0;
    std::vector<std::size_t> started;
    std::size_t ended = 0;

    IndexedWork step(std::chrono::milliseconds duration, std::size_t failing = SIZE_MAX) {
        return [this, duration, failing](std::size_t index) -> asio::awaitable<Expected<void>> {
            started.push_back(index);
            peak = std::max(peak, ++running);
            co_await pause(duration);
            --running;
            ++ended;
            if (index == failing)
                co_return make_error(ErrorKind::network,
                                     "step " + std::to_string(index) + " failed");
            co_return Expected<void>{};
        };
    }
};

TEST(ForEachBounded, RunsEveryStepWithAtMostTheBoundInFlight) {
    asio::io_context io;
    Tracker tracker;
    const IndexedWork work = tracker.step(std::chrono::milliseconds(2));
    const auto done = run_coro(io, for_each_bounded(10, 3, work));
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(tracker.ended, 10u);
    EXPECT_EQ(tracker.peak, 3u);
    EXPECT_EQ(tracker.running, 0u);
}

TEST(ForEachBounded, StepsOverlapWhenTheyWait) {
    asio::io_context io;
    Tracker tracker;
    const IndexedWork work = tracker.step(std::chrono::milliseconds(1));
    ASSERT_TRUE(run_coro(io, for_each_bounded(2, 6, work)));
    EXPECT_EQ(tracker.peak, 2u);  // never more lanes than steps
}

TEST(ForEachBounded, BoundOfOneOrZeroRunsInOrderOneAtATime) {
    for (std::size_t bound : {0u, 1u}) {
        asio::io_context io;
        Tracker tracker;
        const IndexedWork work = tracker.step(std::chrono::milliseconds(0));
        ASSERT_TRUE(run_coro(io, for_each_bounded(4, bound, work)));
        EXPECT_EQ(tracker.peak, 1u);
        EXPECT_EQ(tracker.started, (std::vector<std::size_t>{0, 1, 2, 3}));
    }
}

TEST(ForEachBounded, NothingToDoSucceedsAtOnce) {
    asio::io_context io;
    Tracker tracker;
    const IndexedWork work = tracker.step(std::chrono::milliseconds(1));
    EXPECT_TRUE(run_coro(io, for_each_bounded(0, 4, work)));
    EXPECT_TRUE(tracker.started.empty());
}

TEST(ForEachBounded, FirstFailureStartsNothingMoreAndWaitsForTheRunningSteps) {
    asio::io_context io;
    Tracker tracker;
    bool failed = false;
    const IndexedWork work = tracker.step(std::chrono::milliseconds(2), 0);
    const auto done = run_coro(io, for_each_bounded(20, 2, work, &failed));
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "step 0 failed");
    EXPECT_TRUE(failed);
    // Step 1 was already running beside step 0; nothing started after the failure.
    EXPECT_LE(tracker.started.size(), 3u);
    EXPECT_EQ(tracker.running, 0u);
    EXPECT_EQ(tracker.ended, tracker.started.size());
}

TEST(ForEachBounded, RunningStepsSeeTheFailureFlag) {
    asio::io_context io;
    bool failed = false;
    bool sibling_saw_failure = false;
    const IndexedWork work = [&](std::size_t index) -> asio::awaitable<Expected<void>> {
        if (index == 0) {
            co_await pause(std::chrono::milliseconds(1));
            co_return make_error(ErrorKind::network, "first step failed");
        }
        co_await pause(std::chrono::milliseconds(5));
        sibling_saw_failure = failed;
        co_return Expected<void>{};
    };
    EXPECT_FALSE(run_coro(io, for_each_bounded(2, 2, work, &failed)));
    EXPECT_TRUE(sibling_saw_failure);
}

TEST(ForEachBounded, AStepThatThrowsFailsLikeAnyOther) {
    asio::io_context io;
    const IndexedWork work = [](std::size_t index) -> asio::awaitable<Expected<void>> {
        if (index == 1)
            throw std::runtime_error("bad input");
        co_await pause(std::chrono::milliseconds(1));
        co_return Expected<void>{};
    };
    const auto done = run_coro(io, for_each_bounded(3, 3, work));
    ASSERT_FALSE(done);
    EXPECT_NE(done.error().message.find("bad input"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
