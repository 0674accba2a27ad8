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

// One loop and its signal; each waiter appends its number to `woken` once woken.
class LoopSignalTest : public ::testing::Test {
  protected:
    // Waiters `first` to `last`, in that order, each suspended once this returns.
    void start_waiters(int first, int last) {
        loop.restart();  // out of work, a loop stops
        for (int number = first; number <= last; ++number)
            asio::co_spawn(loop, wait_then_record(signal, number, woken), asio::detached);
        loop.poll();
    }
    // Runs what a notify made ready.
    void settle() { loop.poll(); }

    asio::io_context loop;
    LoopSignal signal{loop.get_executor()};
    std::vector<int> woken;
};

TEST_F(LoopSignalTest, WaitersSleepUntilNotified) {
    start_waiters(1, 1);
    EXPECT_TRUE(woken.empty());
    signal.notify_all();
    settle();
    EXPECT_EQ(woken, std::vector<int>{1});
}

TEST_F(LoopSignalTest, NotifyOneWakesTheLongestWaiterOnly) {
    start_waiters(1, 3);
    signal.notify_one();
    settle();
    EXPECT_EQ(woken, std::vector<int>{1});
    signal.notify_one();
    settle();
    EXPECT_EQ(woken, (std::vector<int>{1, 2}));
}

TEST_F(LoopSignalTest, NotifyAllWakesEveryWaiterAndTheSignalCanBeWaitedOnAgain) {
    start_waiters(1, 3);
    signal.notify_all();
    settle();
    EXPECT_EQ(woken, (std::vector<int>{1, 2, 3}));
    start_waiters(4, 4);
    EXPECT_EQ(woken.size(), 3u);  // a past notify is not remembered
    signal.notify_all();
    settle();
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
