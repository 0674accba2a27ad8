#include "engine/list_job.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace regmigrate::engine {

namespace asio = boost::asio;

Expected<std::vector<std::string>> run_listing(const RegistrySide& side,
                                               const std::optional<std::string>& repository) {
    asio::io_context io(1);
    metrics::Metrics metrics;
    std::optional<Expected<std::vector<std::string>>> outcome;
    auto list = [&]() -> asio::awaitable<Expected<std::vector<std::string>>> {
        auto client = connect(side, co_await asio::this_coro::executor, metrics);
        if (!client) co_return client.error();
        if (repository) co_return co_await (*client)->list_tags(*repository);
        co_return co_await (*client)->list_repositories();
    };
    asio::co_spawn(io, list(), [&](std::exception_ptr error, Expected<std::vector<std::string>> r) {
        if (error) std::rethrow_exception(error);
        outcome = std::move(r);
    });
    io.run();
    if (!outcome) return make_error(ErrorKind::cancelled, "listing did not finish");
    return std::move(*outcome);
}

}  // namespace regmigrate::engine
