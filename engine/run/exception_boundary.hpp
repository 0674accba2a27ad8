// Where an exception a library throws (Boost.URL, yaml-cpp, simdjson, std::sto*,
// std::filesystem) stops: the work it interrupted becomes an Error for that image or that
// input, and the run goes on. Each parser and URL builder catches its own library's
// exceptions first; these boundaries catch what a missed one lets through, per image and
// per run, so no input can abort the process.
#pragma once

#include "transport/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <optional>
#include <string>

namespace regmigrate::engine {

// The exception in flight (call from a catch block) as an Error about `what`. An
// ErrorException keeps its error; anything else is reported as an internal error.
Error error_from_current_exception(const std::string& what);

// Runs work; an exception it throws becomes its error.
template <class T>
boost::asio::awaitable<Expected<T>> catching_exceptions(boost::asio::awaitable<Expected<T>> work,
                                                        std::string what) {
    std::optional<Error> caught;
    try {
        co_return co_await std::move(work);
    } catch (...) {
        caught = error_from_current_exception(what);
    }
    co_return *caught;
}

}  // namespace regmigrate::engine
