#include "engine/copy/transfer_limiter.hpp"

#include "engine/copy/byte_count.hpp"
#include "metrics/metrics.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <limits>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;

TEST(TransferLimiter, GrantsUpToTheTransferBound) {
    asio::io_context io;
    TransferLimiter limiter(2, 1000);
    int granted = 0;
    auto take = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(10);
        ++granted;
    };
    for (int i = 0; i < 3; ++i)
        asio::co_spawn(io, take, asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(granted, 2);
    EXPECT_EQ(limiter.transfers(), 2u);
}

TEST(TransferLimiter, WaiterProceedsOnceATransferIsReleased) {
    asio::io_context io;
    TransferLimiter limiter(1, 1000);
    bool second = false;
    auto first_then_release = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(10);
        asio::steady_timer timer(io, std::chrono::milliseconds(30));
        co_await timer.async_wait(asio::use_awaitable);
        limiter.release(10);
    };
    auto waiter = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(10);
        second = true;
    };
    asio::co_spawn(io, first_then_release, asio::detached);
    asio::co_spawn(io, waiter, asio::detached);
    io.run_for(std::chrono::seconds(2));
    EXPECT_TRUE(second);
}

TEST(TransferLimiter, ByteBoundHoldsBackATransferThatWouldExceedIt) {
    asio::io_context io;
    TransferLimiter limiter(10, 100);
    int granted = 0;
    auto take = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(60);
        ++granted;
    };
    asio::co_spawn(io, take, asio::detached);
    asio::co_spawn(io, take, asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(granted, 1);
    EXPECT_EQ(limiter.bytes(), 60u);
}

TEST(TransferLimiter, BlobLargerThanTheByteBoundStillGoesAlone) {
    asio::io_context io;
    TransferLimiter limiter(10, 100);
    bool granted = false;
    auto take = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(5000);
        granted = true;
    };
    asio::co_spawn(io, take, asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(granted);
}

TEST(TransferLimiter, SlotReleasesWhatItHolds) {
    TransferLimiter limiter(1, 100);
    asio::io_context io;
    auto hold = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(40);
        const TransferSlot slot(limiter, 40);
        EXPECT_EQ(limiter.bytes(), 40u);
    };
    asio::co_spawn(io, hold, asio::detached);
    io.run();
    EXPECT_EQ(limiter.transfers(), 0u);
    EXPECT_EQ(limiter.bytes(), 0u);
}

TEST(TransferLimiter, FixedBoundIgnoresSamples) {
    TransferLimiter limiter(8, 1000);
    limiter.record(TransferSample{0, 0.1, true});
    EXPECT_EQ(limiter.max_transfers(), 8u);
}

TEST(TransferLimiter, AdaptiveBoundStartsAtTheInitialLimit) {
    const TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    EXPECT_EQ(limiter.max_transfers(), 8u);
}

TEST(TransferLimiter, AdaptiveBoundFollowsTheSamples) {
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    limiter.record(TransferSample{0, 0.1, true});
    EXPECT_EQ(limiter.max_transfers(), 4u);
}

TEST(TransferLimiter, AShrunkBoundHoldsBackNewTransfers) {
    asio::io_context io;
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 2}, 1000);
    limiter.record(TransferSample{0, 0.1, true});
    int granted = 0;
    auto take = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(10);
        ++granted;
    };
    asio::co_spawn(io, take, asio::detached);
    asio::co_spawn(io, take, asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(granted, 1);
}

// Acquires a slot, fails it with `status` and lets it go.
void fail_a_transfer(TransferLimiter& limiter, int status) {
    asio::io_context io;
    auto transfer = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(10);
        TransferSlot slot(limiter, 10);
        const Error error = slot.failed(make_error(ErrorKind::http, "refused", status));
        EXPECT_EQ(error.http_status, status);
    };
    asio::co_spawn(io, transfer, asio::detached);
    io.run();
}

TEST(TransferSlot, A429ShrinksTheAdaptiveBound) {
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    fail_a_transfer(limiter, 429);
    EXPECT_EQ(limiter.max_transfers(), 4u);
    EXPECT_EQ(limiter.transfers(), 0u);
}

TEST(TransferSlot, A503ShrinksTheAdaptiveBound) {
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    fail_a_transfer(limiter, 503);
    EXPECT_EQ(limiter.max_transfers(), 4u);
}

TEST(TransferSlot, OtherFailuresSayNothingAboutLoad) {
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    fail_a_transfer(limiter, 404);
    EXPECT_EQ(limiter.max_transfers(), 8u);
}

TEST(TransferSlot, SuccessesCompleteARoundAndGrowTheBound) {
    constexpr std::uint64_t mib = 1024 * 1024;
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 2}, 4 * mib);
    asio::io_context io;
    auto transfer = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(mib);
        TransferSlot slot(limiter, mib);
        slot.succeeded();
    };
    asio::co_spawn(io, transfer, asio::detached);
    asio::co_spawn(io, transfer, asio::detached);
    io.run();
    EXPECT_EQ(limiter.max_transfers(), 4u);  // slow start: doubled after one round
}

// regmigrate_transfer_limit as the exposition shows it, or -1 when absent.
double exposed_limit(const metrics::Metrics& metrics, const std::string& name) {
    const std::string text = metrics.text_exposition();
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

TEST(TransferLimiter, ReportsItsBoundWhenAskedTo) {
    metrics::Metrics metrics;
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    limiter.report_to(metrics);
    EXPECT_EQ(exposed_limit(metrics, "regmigrate_transfer_limit"), 8);
}

TEST(TransferLimiter, ReportsEveryMoveOfTheAdaptiveBound) {
    metrics::Metrics metrics;
    TransferLimiter limiter(AdaptiveLimitOptions{.min = 1, .max = 32, .initial = 8}, 1000);
    limiter.report_to(metrics);
    limiter.record(TransferSample{0, 0.1, true});
    EXPECT_EQ(exposed_limit(metrics, "regmigrate_transfer_limit"), 4);
    EXPECT_EQ(exposed_limit(metrics, "regmigrate_transfer_limit_highest"), 8);
    EXPECT_EQ(exposed_limit(metrics, "regmigrate_transfer_limit_lowest"), 4);
}

TEST(TransferLimiter, ReportsAFixedBoundOnce) {
    metrics::Metrics metrics;
    TransferLimiter limiter(6, 1000);
    limiter.report_to(metrics);
    limiter.record(TransferSample{0, 0.1, true});
    EXPECT_EQ(exposed_limit(metrics, "regmigrate_transfer_limit_lowest"), 6);
}

// ---- sizes near 2^64, as a hostile manifest may claim ----

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

TEST(TransferLimiter, SizeNear2To64DoesNotWrapPastTheByteBound) {
    asio::io_context io;
    TransferLimiter limiter(10, 100);
    bool huge_granted = false;
    auto small = [&]() -> asio::awaitable<void> { co_await limiter.acquire(10); };
    auto huge = [&]() -> asio::awaitable<void> {
        co_await limiter.acquire(u64_max - 5);
        huge_granted = true;
    };
    asio::co_spawn(io, small, asio::detached);
    asio::co_spawn(io, huge, asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(huge_granted);
    EXPECT_EQ(limiter.bytes(), 10u);
}

TEST(TransferLimiter, SaturatedSumEmptiesWhenTheLastTransferLeaves) {
    asio::io_context io;
    TransferLimiter limiter(10, u64_max);
    auto take = [&](std::uint64_t bytes) -> asio::awaitable<void> {
        co_await limiter.acquire(bytes);
    };
    asio::co_spawn(io, take(u64_max - 1), asio::detached);
    asio::co_spawn(io, take(u64_max - 1), asio::detached);
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(limiter.bytes(), u64_max);
    limiter.release(u64_max - 1);
    limiter.release(u64_max - 1);
    EXPECT_EQ(limiter.transfers(), 0u);
    EXPECT_EQ(limiter.bytes(), 0u);
}

TEST(SaturatingAdd, StopsAtTheLargestCount) {
    EXPECT_EQ(saturating_add(2, 3), 5u);
    EXPECT_EQ(saturating_add(u64_max - 1, 1), u64_max);
    EXPECT_EQ(saturating_add(u64_max - 1, u64_max), u64_max);
}

}  // namespace
}  // namespace regmigrate::engine
