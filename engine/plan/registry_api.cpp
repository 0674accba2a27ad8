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

asio::awaitable<Expected<ApiProbe>> probe_registry_api(transport::HttpClient& http,
                                                       std::string_view host) {
    auto v2 = co_await probe_status(http, host, "/v2/", true);
    if (!v2)
        co_return v2.error();
    ApiProbe probe;
    probe.v2_status = *v2;
    if (!registry_api_from(*v2, std::nullopt)) {
        auto ping = co_await probe_status(http, host, "/v1/_ping", true);
        if (ping)
            probe.v1_status = *ping;
    }
    probe.api = registry_api_from(probe.v2_status, probe.v1_status);
    co_return probe;
}

namespace {

Error neither_api(std::string_view host, const ApiProbe& probe) {
    return make_error(ErrorKind::unsupported,
                      std::string(host) + " answers neither the registry v2 API (GET /v2/: " +
                          std::to_string(probe.v2_status) + ") nor the v1 API (GET /v1/_ping: " +
                          (probe.v1_status ? std::to_string(*probe.v1_status) : "no answer") + ")");
}

}  // namespace

Expected<RegistryApi> detect_registry_api(const RegistrySide& side) {
    metrics::Metrics metrics;
    // The client lives in the coroutine frame, so it is gone before its loop is.
    auto probe = [&](asio::any_io_executor executor) -> asio::awaitable<Expected<RegistryApi>> {
        auto connected = connect(side, executor, metrics);
        if (!connected)
            co_return connected.error();
        const std::unique_ptr<registry::RegistryClient> client = std::move(*connected);
        auto found = co_await probe_registry_api(client->http(), side.host);
        if (!found)
            co_return found.error();
        if (!found->api)
            co_return neither_api(side.host, *found);
        co_return *found->api;
    };
    return run_to_completion<RegistryApi>(probe, "detecting the API of " + side.host);
}

}  // namespace regmigrate::engine
