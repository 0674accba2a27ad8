#include "engine/v1/v1_layer_cache.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;
using Result = std::optional<std::optional<registry::V1LayerDigests>>;

const std::string source = "v1.example:5000";
const std::string id(64, 'a');
const registry::V1LayerDigests digests{"sha256:" + std::string(64, '1'),
                                       "sha256:" + std::string(64, '2'), 42, false};
constexpr std::chrono::seconds run_limit{5};

void spawn_acquire(asio::io_context& io, V1LayerCache& cache, const std::string& from,
                   Result& out) {
    asio::co_spawn(
        io,
        [&cache, &out, from]() -> asio::awaitable<void> { out = co_await cache.acquire(from, id); },
        asio::detached);
}

template <class F>
void after(asio::io_context& io, std::chrono::milliseconds delay, F action) {
    asio::co_spawn(
        io,
        [delay, action]() -> asio::awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor, delay);
            co_await timer.async_wait(asio::use_awaitable);
            action();
        },
        asio::detached);
}

TEST(V1LayerCache, FirstCallerMeasures) {
    asio::io_context io;
    V1LayerCache cache;
    Result first;
    spawn_acquire(io, cache, source, first);
    io.run_for(run_limit);
    ASSERT_TRUE(first);
    EXPECT_FALSE(*first);
}

TEST(V1LayerCache, StoredDigestsAreAnsweredWithoutMeasuring) {
    asio::io_context io;
    V1LayerCache cache;
    cache.store(source, id, digests);
    Result later;
    spawn_acquire(io, cache, source, later);
    io.run_for(run_limit);
    ASSERT_TRUE(later && *later);
    EXPECT_EQ((*later)->digest, digests.digest);
    EXPECT_EQ(cache.known_layers(), 1u);
}

TEST(V1LayerCache, ConcurrentCallerWaitsForTheMeasurement) {
    asio::io_context io;
    V1LayerCache cache;
    Result first;
    Result second;
    spawn_acquire(io, cache, source, first);
    spawn_acquire(io, cache, source, second);
    after(io, std::chrono::milliseconds(60), [&] { cache.store(source, id, digests); });
    io.run_for(run_limit);
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(*first);
    ASSERT_TRUE(*second);
    EXPECT_EQ((*second)->diff_id, digests.diff_id);
}

TEST(V1LayerCache, AbandonedMeasurementPassesToTheNextCaller) {
    asio::io_context io;
    V1LayerCache cache;
    Result first;
    Result second;
    spawn_acquire(io, cache, source, first);
    spawn_acquire(io, cache, source, second);
    after(io, std::chrono::milliseconds(60), [&] { cache.abandon(source, id); });
    io.run_for(run_limit);
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(*first);
    EXPECT_FALSE(*second);  // it measures now
}

TEST(V1LayerCache, SameIdOnAnotherSourceIsAnotherLayer) {
    asio::io_context io;
    V1LayerCache cache;
    cache.store(source, id, digests);
    Result elsewhere;
    spawn_acquire(io, cache, "other.example:5000", elsewhere);
    io.run_for(run_limit);
    ASSERT_TRUE(elsewhere);
    EXPECT_FALSE(*elsewhere);
}

TEST(V1LayerCache, WaiterIsWokenByAStoreOnAnotherLoopWithoutWaitingForTime) {
    asio::io_context owner_loop;
    asio::io_context waiter_loop;
    V1LayerCache cache;
    Result first;
    Result second;
    spawn_acquire(owner_loop, cache, source, first);
    owner_loop.poll();
    spawn_acquire(waiter_loop, cache, source, second);
    waiter_loop.poll();
    ASSERT_TRUE(first && !*first);
    ASSERT_FALSE(second);

    owner_loop.restart();  // it ran out of work once the owner had its answer
    asio::post(owner_loop, [&] { cache.store(source, id, digests); });
    owner_loop.poll();
    waiter_loop.poll();  // runs only what is ready now: the wake-up, then the waiter
    ASSERT_TRUE(second && *second);
    EXPECT_EQ((*second)->digest, digests.digest);
}

}  // namespace
}  // namespace regmigrate::engine
