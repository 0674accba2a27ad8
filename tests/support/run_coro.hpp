// Drives one coroutine to completion on a test's own io_context, so a test body can read
// like straight-line code: `auto response = run_coro(io, client->fetch(request, cap));`.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace regmigrate::testing {

namespace run_coro_detail {

// Stores the value from inside the coroutine: co_spawn's own completion signature needs a
// default-constructible T, which Expected<ResponseStream> is not.
template <class T>
boost::asio::awaitable<void> store_result(boost::asio::awaitable<T> task, std::optional<T>& out) {
    out.emplace(co_await std::move(task));
}

}  // namespace run_coro_detail

// Runs io until task finishes (other work may still be pending) and returns its value;
// rethrows what it threw; throws std::runtime_error when it is still running after limit.
template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> task,
           std::chrono::steady_clock::duration limit = std::chrono::seconds(30)) {
    std::optional<T> result;
    std::exception_ptr failure;
    bool finished = false;
    boost::asio::co_spawn(io, run_coro_detail::store_result(std::move(task), result),
                          [&](std::exception_ptr e) {
                              failure = e;
                              finished = true;
                          });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!finished && io.run_one_until(deadline) > 0) {
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (!finished) {
        throw std::runtime_error("run_coro: the coroutine did not finish in time");
    }
    return std::move(*result);
}

}  // namespace regmigrate::testing
