#include "engine/copy/bounded_parallel.hpp"

#include "transport/async/loop_signal.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <exception>
#include <optional>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

struct Lanes {
    const IndexedWork& work;
    std::size_t count;
    std::size_t next = 0;
    std::size_t running = 0;
    std::optional<Error> first_failure;
    bool* failed;
    transport::LoopGate all_done;  // opened by the last lane to end

    void fail(Error error) {
        if (!first_failure)
            first_failure = std::move(error);
        if (failed)
            *failed = true;
    }
};

// Takes the next step until none is left or one has failed.
asio::awaitable<void> run_lane(Lanes& lanes) {
    while (!lanes.first_failure && lanes.next < lanes.count) {
        const std::size_t index = lanes.next++;
        try {
            auto done = co_await lanes.work(index);
            if (!done)
                lanes.fail(done.error());
        } catch (const std::exception& e) {
            lanes.fail(
                make_error(ErrorKind::protocol, std::string("unexpected error: ") + e.what()));
        }
    }
}

}  // namespace

asio::awaitable<Expected<void>> for_each_bounded(std::size_t count, std::size_t bound,
                                                 const IndexedWork& work, bool* failed) {
    auto executor = co_await asio::this_coro::executor;
    Lanes lanes{work, count, 0, 0, std::nullopt, failed, transport::LoopGate(executor)};
    const std::size_t width = std::min(std::max<std::size_t>(bound, 1), count);
    if (width <= 1) {
        co_await run_lane(lanes);
    } else {
        lanes.running = width;
        for (std::size_t lane = 0; lane < width; ++lane) {
            asio::co_spawn(executor, run_lane(lanes), [&lanes](std::exception_ptr) {
                if (--lanes.running == 0)
                    lanes.all_done.open();
            });
        }
        // No deadline of its own: each step has its own (every network wait is bounded).
        co_await lanes.all_done.wait();
    }
    if (lanes.first_failure)
        co_return *lanes.first_failure;
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
