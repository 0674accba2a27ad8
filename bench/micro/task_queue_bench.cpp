// Queue handoff between threads: producers on one event loop, workers on others, as
// `regmigrate sync --threads N` runs them. Items per second is the ceiling the queue puts
// on image tasks; the empty-queue polling delay (1 to 20 ms) shows up when workers outrun
// the producer.
#include "engine/run/task_queue.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using regmigrate::engine::ImageTask;
using regmigrate::engine::TaskQueue;

constexpr std::size_t tasks = 20000;
constexpr int jobs_per_loop = 4;  // worker coroutines per worker thread, as sync runs them

asio::awaitable<void> produce(TaskQueue& queue) {
    for (std::size_t n = 0; n < tasks; ++n) {
        // Named, not a temporary in the co_await expression: GCC 12 destroys those twice.
        ImageTask task{0, "fleet/app", "v" + std::to_string(n), "fleet/app"};
        co_await queue.push(std::move(task));
    }
    queue.close();
}

asio::awaitable<void> consume(TaskQueue& queue, std::atomic<std::size_t>& popped) {
    for (;;) {
        auto task = co_await queue.pop();
        if (!task)
            co_return;
        ++popped;
    }
}

// Arguments: worker threads, queue capacity.
void BM_TaskQueueHandoff(benchmark::State& state) {
    const auto workers = static_cast<std::size_t>(state.range(0));
    const auto capacity = static_cast<std::size_t>(state.range(1));
    for (auto _ : state) {
        TaskQueue queue(capacity);
        std::atomic<std::size_t> popped{0};
        std::vector<std::unique_ptr<asio::io_context>> loops;
        for (std::size_t i = 0; i <= workers; ++i) {
            loops.push_back(std::make_unique<asio::io_context>(1));
        }
        asio::co_spawn(*loops[0], produce(queue), asio::detached);
        for (std::size_t w = 1; w <= workers; ++w) {
            for (int job = 0; job < jobs_per_loop; ++job) {
                asio::co_spawn(*loops[w], consume(queue, popped), asio::detached);
            }
        }
        std::vector<std::thread> threads;
        for (auto& loop : loops)
            threads.emplace_back([&loop] { loop->run(); });
        for (auto& thread : threads)
            thread.join();
        if (popped != tasks)
            state.SkipWithError("tasks lost in the handoff");
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * tasks));
}
BENCHMARK(BM_TaskQueueHandoff)
    ->Args({1, 128})
    ->Args({2, 128})
    ->Args({1, 4096})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
