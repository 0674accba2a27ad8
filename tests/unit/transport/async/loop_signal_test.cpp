// LoopSignal and LoopGate: coroutines of one io_context waking each other.
#include "transport/async/loop_signal.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace regmigrate::transport {
namespace {

namespace asio = boost::asio;

// Each waiter appends its number to `woken` once its wait returns.
asio::awaitable<void> wait_then_record(LoopSignal& signal, int number, std::vector<int>& woken) {
    co_await signal.wait();
    woken.push_back(number);
}

asio::awaitable<void> pass_gate(LoopGate& gate, int number, std::vector<int>& woken) {
    co_await gate.wait();
    woken.push_back(number);
}

TEST(LoopSignal, WaitersSleepUntilNotified) {
    asio::io_context loop;
    LoopSignal signal(loop.get_executor());
    std::vector<int> woken;
    asio::co_spawn(loop, wait_then_record(signal, 1, woken), asio::detached);
    loop.poll();
    EXPECT_TRUE(woken.empty());
    signal.notify_all();
    loop.poll();
    EXPECT_EQ(woken, std::vector<int>{1});
}

TEST(LoopSignal, NotifyOneWakesTheLongestWaiterOnly) {
    asio::io_context loop;
    LoopSignal signal(loop.get_executor());
    std::vector<int> woken;
    for (int number = 1; number <= 3; ++number)
        asio::co_spawn(loop, wait_then_record(signal, number, woken), asio::detached);
    loop.poll();
    signal.notify_one();
    loop.poll();
    EXPECT_EQ(woken, std::vector<int>{1});
    signal.notify_one();
    loop.poll();
    EXPECT_EQ(woken, (std::vector<int>{1, 2}));
}

TEST(LoopSignal, NotifyAllWakesEveryWaiterAndTheSignalCanBeWaitedOnAgain) {
    asio::io_context loop;
    LoopSignal signal(loop.get_executor());
    std::vector<int> woken;
    for (int number = 1; number <= 3; ++number)
        asio::co_spawn(loop, wait_then_record(signal, number, woken), asio::detached);
    loop.poll();
    signal.notify_all();
    loop.poll();
    EXPECT_EQ(woken, (std::vector<int>{1, 2, 3}));
    loop.restart();  // out of work, the loop had stopped
    asio::co_spawn(loop, wait_then_record(signal, 4, woken), asio::detached);
    loop.poll();
    EXPECT_EQ(woken.size(), 3u);  // a past notify is not remembered
    signal.notify_all();
    loop.poll();
    EXPECT_EQ(woken.back(), 4);
}

TEST(LoopGate, WaitersPassOnceOpened) {
    asio::io_context loop;
    LoopGate gate(loop.get_executor());
    std::vector<int> woken;
    asio::co_spawn(loop, pass_gate(gate, 1, woken), asio::detached);
    asio::co_spawn(loop, pass_gate(gate, 2, woken), asio::detached);
    loop.poll();
    EXPECT_FALSE(gate.is_open());
    EXPECT_TRUE(woken.empty());
    gate.open();
    loop.poll();
    EXPECT_TRUE(gate.is_open());
    EXPECT_EQ(woken, (std::vector<int>{1, 2}));
}

TEST(LoopGate, AnOpenGateIsPassedAtOnce) {
    asio::io_context loop;
    LoopGate gate(loop.get_executor());
    gate.open();
    std::vector<int> woken;
    asio::co_spawn(loop, pass_gate(gate, 1, woken), asio::detached);
    loop.poll();
    EXPECT_EQ(woken, std::vector<int>{1});
}

TEST(LoopGate, OpenedFromAnotherThreadThroughAPost) {
    asio::io_context loop;
    LoopGate gate(loop.get_executor());
    std::vector<int> woken;
    asio::co_spawn(loop, pass_gate(gate, 1, woken), asio::detached);
    loop.poll();
    std::thread opener([&] { asio::post(loop, [&] { gate.open(); }); });
    opener.join();
    loop.run();  // returns once the waiter passed: nothing else is pending
    EXPECT_EQ(woken, std::vector<int>{1});
}

}  // namespace
}  // namespace regmigrate::transport
