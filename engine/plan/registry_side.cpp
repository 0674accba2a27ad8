#include "engine/plan/registry_side.hpp"

#include "engine/run/run_to_completion.hpp"
#include "transport/log.hpp"

#include <boost/url/parse.hpp>

#include <cstdlib>
#include <map>
#include <mutex>

namespace regmigrate::engine {

namespace asio = boost::asio;
using transport::TlsMode;

namespace {

// Whether GET /v2/ gets any HTTP answer (401 included) in this mode. Runs its own loop:
// it is called once, before the side's real traffic starts.
bool answers_v2(const RegistrySide& side, TlsMode mode) {
    // The client lives in the coroutine frame, so it is gone before its loop is.
    auto probe = [&](asio::any_io_executor executor) -> asio::awaitable<Expected<int>> {
        transport::ClientOptions options;
        options.registry_authority = side.host;
        options.tls = side.tls;
        options.tls.mode = mode;
        options.timeouts = side.timeouts;
        options.max_connections_per_origin = 1;
        options.max_redirects = 0;
        auto proxy = proxy_rules(side);
        if (!proxy)
            co_return proxy.error();
        options.proxy = std::move(*proxy);
        auto http = transport::HttpClient::create(std::move(executor), std::move(options));
        if (!http)
            co_return http.error();
        co_return co_await probe_status(**http, side.host, "/v2/", false);
    };
    return run_to_completion<int>(probe, "probing " + side.host).has_value();
}

TlsMode probe_loopback(const RegistrySide& side) {
    const bool over_tls = answers_v2(side, TlsMode::insecure);
    const bool over_http = !over_tls && answers_v2(side, TlsMode::disabled);
    const TlsMode mode = loopback_tls_mode(over_tls, over_http);
    log(LogLevel::info, "loopback registry without a TLS setting: insecure by default",
        {{"registry", side.host}, {"tls", std::string(transport::to_string(mode))}});
    return mode;
}

}  // namespace

Expected<transport::ProxyRules> proxy_rules(const RegistrySide& side) {
    if (side.proxy)
        return *side.proxy;
    return transport::proxy_rules_from_environment(
        [](const char* name) -> const char* { return std::getenv(name); });
}

bool is_loopback_registry(std::string_view host) {
    const auto authority = boost::urls::parse_authority(host);
    if (!authority || authority->has_userinfo())
        return false;
    if (authority->host_type() == boost::urls::host_type::name)
        return transport::is_loopback_host(std::string_view(authority->encoded_host()));
    return transport::is_loopback_host(authority->host_address());
}

TlsMode loopback_tls_mode(bool answered_over_tls, bool answered_over_http) {
    return !answered_over_tls && answered_over_http ? TlsMode::disabled : TlsMode::insecure;
}

TlsMode resolve_tls_mode(const RegistrySide& side) {
    if (side.tls.mode != TlsMode::automatic)
        return side.tls.mode;
    if (!is_loopback_registry(side.host))
        return TlsMode::enabled;
    // Held across the probe so concurrent loops wait for the one answer.
    static std::mutex mutex;
    static std::map<std::string, TlsMode, std::less<>> resolved;
    std::lock_guard lock(mutex);
    if (const auto known = resolved.find(side.host); known != resolved.end()) {
        return known->second;
    }
    const TlsMode mode = probe_loopback(side);
    resolved.emplace(side.host, mode);
    return mode;
}

asio::awaitable<Expected<int>> probe_status(transport::HttpClient& http, std::string_view host,
                                            std::string_view path, bool follow_redirects) {
    constexpr std::size_t max_probe_body = 64 * 1024;
    transport::HttpRequest request;
    request.url.set_scheme(http.scheme());
    request.url.set_encoded_authority(host);
    request.url.set_encoded_path(path);
    request.follow_redirects = follow_redirects;
    auto response = co_await http.fetch(std::move(request), max_probe_body);
    if (!response)
        co_return response.error();
    co_return response->status;
}

Expected<std::unique_ptr<registry::RegistryClient>> connect(const RegistrySide& side,
                                                            boost::asio::any_io_executor executor,
                                                            metrics::Metrics& metrics) {
    transport::ClientOptions options;
    options.registry_authority = side.host;
    options.tls = side.tls;
    options.tls.mode = resolve_tls_mode(side);
    options.timeouts = side.timeouts;
    options.max_connections_per_origin = side.max_connections.value_or(default_max_connections);
    auto proxy = proxy_rules(side);
    if (!proxy)
        return with_context(proxy.error(), side.host);
    options.proxy = std::move(*proxy);
    options.on_response = [&metrics](transport::http::verb method, int status) {
        metrics.http_request(transport::http::to_string(method), status);
    };
    options.on_connection = [&metrics](transport::TlsHandshake handshake) {
        metrics.connection_opened(handshake);
    };
    auto http = transport::HttpClient::create(std::move(executor), std::move(options));
    if (!http)
        return with_context(http.error(), side.host);
    return std::make_unique<registry::RegistryClient>(*http, side.host, side.credentials,
                                                      side.registry);
}

}  // namespace regmigrate::engine
