#include "engine/run/list_job.hpp"

#include "engine/run/run_to_completion.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace regmigrate::engine {

namespace asio = boost::asio;

Expected<std::vector<std::string>> run_listing(const RegistrySide& side,
                                               const std::optional<std::string>& repository) {
    metrics::Metrics metrics;
    // The client lives here, outside the coroutine, for as long as the loop runs.
    std::unique_ptr<registry::RegistryClient> client;
    auto list =
        [&](asio::any_io_executor executor) -> asio::awaitable<Expected<std::vector<std::string>>> {
        auto connected = connect(side, executor, metrics);
        if (!connected)
            co_return connected.error();
        client = std::move(*connected);
        if (repository)
            co_return co_await client->list_tags(*repository);
        co_return co_await client->list_repositories();
    };
    return run_to_completion<std::vector<std::string>>(list, "listing");
}

}  // namespace regmigrate::engine
