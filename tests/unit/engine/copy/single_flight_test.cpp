#include "engine/copy/single_flight.hpp"

#include "transport/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;
using Flights = SingleFlight<std::string, int>;
using Answer = std::optional<std::optional<int>>;  // unset: still waiting

// Far beyond any test: a waiter that finishes was woken, never timed out into a new look.
constexpr std::chrono::hours no_recheck{1};

void spawn_acquire(asio::io_context& io, Flights& flights, std::string key, Answer& out) {
    asio::co_spawn(
        io,
        [&flights, &out, key = std::move(key)]() -> asio::awaitable<void> {
            out = co_await flights.acquire(key);
        },
        asio::detached);
}

// A computation the test releases: it counts its calls and ends when `gate` is cancelled.
struct GatedCompute {
    asio::steady_timer& gate;
    int& calls;
    Expected<int> result;

    asio::awaitable<Expected<int>> operator()() const {
        ++calls;
        gate.expires_after(no_recheck);
        co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return result;
    }
};

void spawn_get(asio::io_context& io, Flights& flights, GatedCompute compute,
               std::optional<Expected<int>>& out) {
    asio::co_spawn(
        io,
        [&flights, &out, compute]() -> asio::awaitable<void> {
            out = co_await flights.get("key", compute);
        },
        asio::detached);
}

TEST(SingleFlight, FirstCallerOwnsTheFlight) {
    Flights flights;
    const auto claim = flights.try_acquire("key");
    EXPECT_TRUE(claim.owner);
    EXPECT_FALSE(claim.value);
}

TEST(SingleFlight, SecondCallerDoesNotOwnAFlightInProgress) {
    Flights flights;
    flights.try_acquire("key");
    const auto claim = flights.try_acquire("key");
    EXPECT_FALSE(claim.owner);
    EXPECT_FALSE(claim.value);
}

TEST(SingleFlight, AcquireOfANewKeyMakesTheCallerTheOwner) {
    asio::io_context io;
    Flights flights(no_recheck);
    Answer answer;
    spawn_acquire(io, flights, "key", answer);
    io.poll();
    ASSERT_TRUE(answer);
    EXPECT_FALSE(*answer);
}

TEST(SingleFlight, KnownValueIsAnsweredWithoutWaiting) {
    asio::io_context io;
    Flights flights(no_recheck);
    flights.succeed("key", 7);
    Answer answer;
    spawn_acquire(io, flights, "key", answer);
    io.poll();
    ASSERT_TRUE(answer && *answer);
    EXPECT_EQ(**answer, 7);
    EXPECT_EQ(flights.try_acquire("key").value, 7);
}

TEST(SingleFlight, ConcurrentCallersWaitAndReceiveTheOwnersValue) {
    asio::io_context io;
    Flights flights(no_recheck);
    ASSERT_TRUE(flights.try_acquire("key").owner);
    Answer first;
    Answer second;
    spawn_acquire(io, flights, "key", first);
    spawn_acquire(io, flights, "key", second);
    io.poll();
    EXPECT_FALSE(first || second);
    EXPECT_EQ(flights.waiting("key"), 2u);

    flights.succeed("key", 42);
    io.poll();
    ASSERT_TRUE(first && *first && second && *second);
    EXPECT_EQ(**first, 42);
    EXPECT_EQ(**second, 42);
    EXPECT_EQ(flights.waiting("key"), 0u);
}

TEST(SingleFlight, FailedFlightLetsTheNextCallerOwnIt) {
    asio::io_context io;
    Flights flights(no_recheck);
    flights.try_acquire("key");
    Answer waiter;
    spawn_acquire(io, flights, "key", waiter);
    io.poll();
    flights.fail("key");
    io.poll();
    ASSERT_TRUE(waiter);
    EXPECT_FALSE(*waiter);  // it owns the flight now
    EXPECT_FALSE(flights.try_acquire("key").owner);
}

TEST(SingleFlight, OnlyOneWaiterOwnsAFailedFlightAndTheOtherGetsItsValue) {
    asio::io_context io;
    Flights flights(no_recheck);
    flights.try_acquire("key");
    Answer first;
    Answer second;
    spawn_acquire(io, flights, "key", first);
    spawn_acquire(io, flights, "key", second);
    io.poll();
    flights.fail("key");
    io.poll();
    ASSERT_NE(first.has_value(), second.has_value());
    EXPECT_FALSE(first ? *first : *second);
    EXPECT_EQ(flights.waiting("key"), 1u);

    flights.succeed("key", 5);
    io.poll();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->value_or(0) + second->value_or(0), 5);
}

TEST(SingleFlight, WaiterOnAnotherLoopResumesOnTheOwnersSettleAlone) {
    asio::io_context owner_loop;
    asio::io_context waiter_loop;
    Flights flights(no_recheck);
    Answer owner;
    Answer waiter;
    spawn_acquire(owner_loop, flights, "key", owner);
    owner_loop.poll();
    ASSERT_TRUE(owner && !*owner);
    spawn_acquire(waiter_loop, flights, "key", waiter);
    waiter_loop.poll();
    ASSERT_FALSE(waiter);

    owner_loop.restart();  // it ran out of work once the owner had its answer
    asio::post(owner_loop, [&] { flights.succeed("key", 9); });
    EXPECT_EQ(owner_loop.poll(), 1u);  // the owner's loop ran the settle and nothing else
    waiter_loop.poll();                // no time has passed: only the wake-up can resume it
    ASSERT_TRUE(waiter && *waiter);
    EXPECT_EQ(**waiter, 9);
}

TEST(SingleFlight, WaitersOnAnotherThreadAreWokenWhenTheOwnerSettles) {
    Flights flights(no_recheck);
    ASSERT_TRUE(flights.try_acquire("key").owner);
    asio::io_context waiter_loop;
    std::vector<Answer> answers(3);
    for (auto& answer : answers)
        spawn_acquire(waiter_loop, flights, "key", answer);
    // The bound only keeps a broken wake-up from hanging the suite; it is never reached.
    std::thread waiter_thread([&] { waiter_loop.run_for(std::chrono::seconds(60)); });
    while (flights.waiting("key") < answers.size())
        std::this_thread::yield();
    flights.succeed("key", 3);
    waiter_thread.join();
    for (const auto& answer : answers) {
        ASSERT_TRUE(answer && *answer);
        EXPECT_EQ(**answer, 3);
    }
}

TEST(SingleFlight, KeysAreIndependent) {
    asio::io_context io;
    Flights flights(no_recheck);
    flights.try_acquire("a");
    Answer waiter;
    spawn_acquire(io, flights, "a", waiter);
    io.poll();
    EXPECT_TRUE(flights.try_acquire("b").owner);
    flights.succeed("b", 2);
    flights.fail("c");
    io.poll();
    EXPECT_FALSE(waiter);
    EXPECT_EQ(flights.waiting("a"), 1u);
    EXPECT_FALSE(flights.try_acquire("a").value);
    EXPECT_EQ(flights.try_acquire("b").value, 2);
    EXPECT_EQ(flights.known(), 1u);
}

TEST(SingleFlight, WaiterKeepsWaitingAcrossItsRechecks) {
    asio::io_context io;
    Flights flights(std::chrono::milliseconds(1));
    flights.try_acquire("key");
    Answer waiter;
    spawn_acquire(io, flights, "key", waiter);
    for (int look = 0; look < 3; ++look)
        io.run_one();  // the recheck timer: a look that finds the flight still in progress
    EXPECT_FALSE(waiter);
    EXPECT_EQ(flights.waiting("key"), 1u);
    flights.succeed("key", 1);
    io.run_one();
    io.poll();
    ASSERT_TRUE(waiter && *waiter);
}

TEST(SingleFlight, CancelledWaiterStopsWaiting) {
    asio::io_context io;
    Flights flights(no_recheck);
    flights.try_acquire("key");
    asio::cancellation_signal cancel;
    std::optional<std::exception_ptr> ended;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { co_await flights.acquire("key"); },
        asio::bind_cancellation_slot(cancel.slot(),
                                     [&](std::exception_ptr error) { ended = error; }));
    io.poll();
    ASSERT_FALSE(ended);
    cancel.emit(asio::cancellation_type::terminal);
    io.poll();
    ASSERT_TRUE(ended && *ended);
    try {
        std::rethrow_exception(*ended);
    } catch (const boost::system::system_error& error) {
        EXPECT_EQ(error.code(), asio::error::operation_aborted);
    }
    EXPECT_EQ(flights.waiting("key"), 0u);
}

TEST(SingleFlight, WaiterWhoseLoopIsGoneIsNotWoken) {
    Flights flights(no_recheck);
    flights.try_acquire("key");
    auto loop = std::make_unique<asio::io_context>();
    Answer waiter;
    spawn_acquire(*loop, flights, "key", waiter);
    loop->poll();
    ASSERT_EQ(flights.waiting("key"), 1u);
    loop.reset();
    EXPECT_EQ(flights.waiting("key"), 0u);
    flights.succeed("key", 1);  // posts to no destroyed loop
    EXPECT_FALSE(waiter);
}

TEST(SingleFlight, GetComputesOnceForConcurrentCallers) {
    asio::io_context io;
    Flights flights(no_recheck);
    asio::steady_timer gate(io);
    int calls = 0;
    std::vector<std::optional<Expected<int>>> results(3);
    for (auto& result : results)
        spawn_get(io, flights, {gate, calls, 11}, result);
    io.poll();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(flights.waiting("key"), 2u);
    gate.cancel();
    io.poll();
    for (const auto& result : results) {
        ASSERT_TRUE(result && *result);
        EXPECT_EQ(**result, 11);
    }
    EXPECT_EQ(calls, 1);
}

TEST(SingleFlight, GetGivesTheOwnerItsErrorAndAWaiterComputesAgain) {
    asio::io_context io;
    Flights flights(no_recheck);
    asio::steady_timer gate(io);
    int calls = 0;
    std::optional<Expected<int>> failing;
    std::optional<Expected<int>> retrying;
    spawn_get(io, flights, {gate, calls, make_error(ErrorKind::network, "reset")}, failing);
    spawn_get(io, flights, {gate, calls, 4}, retrying);
    io.poll();
    gate.cancel();
    io.poll();
    ASSERT_TRUE(failing && !*failing);
    EXPECT_EQ(failing->error().message, "reset");
    EXPECT_EQ(calls, 2);  // the waiter owns the next flight
    EXPECT_FALSE(retrying);
    gate.cancel();
    io.poll();
    ASSERT_TRUE(retrying && *retrying);
    EXPECT_EQ(**retrying, 4);
}

TEST(SingleFlight, OwnerThatThrowsFailsItsFlightForTheWaiters) {
    asio::io_context io;
    Flights flights(no_recheck);
    ASSERT_TRUE(flights.try_acquire("other").owner);  // keeps the thrower waiting on a gate
    std::exception_ptr thrown;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await flights.get("key", [&]() -> asio::awaitable<Expected<int>> {
                co_await flights.acquire("other");
                throw std::runtime_error("boom");
            });
        },
        [&](std::exception_ptr error) { thrown = error; });
    Answer waiter;
    spawn_acquire(io, flights, "key", waiter);
    io.poll();
    ASSERT_FALSE(waiter);
    flights.succeed("other", 0);
    io.poll();
    EXPECT_TRUE(thrown);
    ASSERT_TRUE(waiter);
    EXPECT_FALSE(*waiter);  // it owns the flight now
}

}  // namespace
}  // namespace regmigrate::engine
