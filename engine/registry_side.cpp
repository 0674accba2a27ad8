#include "engine/registry_side.hpp"

namespace regmigrate::engine {

Expected<std::unique_ptr<registry::RegistryClient>> connect(const RegistrySide& side,
                                                            boost::asio::any_io_executor executor,
                                                            metrics::Metrics& metrics) {
    transport::ClientOptions options;
    options.tls = side.tls;
    options.timeouts = side.timeouts;
    options.max_connections_per_origin = side.max_connections;
    options.on_response = [&metrics](transport::http::verb method, int status) {
        metrics.http_request(transport::http::to_string(method), status);
    };
    auto http = transport::HttpClient::create(std::move(executor), std::move(options));
    if (!http) return with_context(http.error(), side.host);
    return std::make_unique<registry::RegistryClient>(*http, side.host, side.credentials,
                                                      side.registry);
}

}  // namespace regmigrate::engine
