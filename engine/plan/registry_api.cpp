#include "engine/plan/registry_api.hpp"

#include "engine/run/run_to_completion.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

std::optional<RegistryApi> registry_api_from(int v2_status, std::optional<int> v1_ping_status) {
    if (v2_status == 200 || v2_status == 401)
        return RegistryApi::v2;
    if (v1_ping_status == 200)
        return RegistryApi::v1;
    return std::nullopt;
}

Expected<RegistryApi> detect_registry_api(const RegistrySide& side) {
    metrics::Metrics metrics;
    // The client lives in the coroutine frame, so it is gone before its loop is.
    auto probe = [&](asio::any_io_executor executor) -> asio::awaitable<Expected<RegistryApi>> {
        auto connected = connect(side, executor, metrics);
        if (!connected)
            co_return connected.error();
        const std::unique_ptr<registry::RegistryClient> client = std::move(*connected);
        auto v2 = co_await probe_status(client->http(), side.host, "/v2/", true);
        if (!v2)
            co_return v2.error();
        std::optional<int> v1;
        if (!registry_api_from(*v2, std::nullopt)) {
            auto ping = co_await probe_status(client->http(), side.host, "/v1/_ping", true);
            if (ping)
                v1 = *ping;
        }
        if (auto api = registry_api_from(*v2, v1))
            co_return *api;
        co_return make_error(ErrorKind::unsupported,
                             side.host + " answers neither the registry v2 API (GET /v2/: " +
                                 std::to_string(*v2) + ") nor the v1 API (GET /v1/_ping: " +
                                 (v1 ? std::to_string(*v1) : std::string("no answer")) + ")");
    };
    return run_to_completion<RegistryApi>(probe, "detecting the API of " + side.host);
}

}  // namespace regmigrate::engine
