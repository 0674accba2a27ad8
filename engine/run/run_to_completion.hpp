// Runs one top-level coroutine on its own single-threaded event loop until it is done:
// how the synchronous engine entry points (copy, ls) drive their asynchronous work.
#pragma once

#include "engine/run/exception_boundary.hpp"
#include "transport/error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <string>

namespace regmigrate::engine {

// `start` receives the loop's executor and returns the awaitable to run.
template <class T, class Start>
Expected<T> run_to_completion(Start start, const std::string& what) {
    boost::asio::io_context io(1);
    std::optional<Expected<T>> outcome;
    boost::asio::co_spawn(io, start(io.get_executor()),
                          [&](std::exception_ptr error, Expected<T> result) {
                              if (error)
                                  std::rethrow_exception(error);
                              outcome = std::move(result);
                          });
    try {
        io.run();
    } catch (...) {
        // An exception no inner boundary caught ends this run with an error, not the process.
        return error_from_current_exception(what);
    }
    if (!outcome)
        return make_error(ErrorKind::cancelled, what + " did not finish");
    return std::move(*outcome);
}

}  // namespace regmigrate::engine
