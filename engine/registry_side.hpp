// One side of a migration (source or destination): where it is, how to reach it, who we are.
#pragma once

#include "metrics/metrics.hpp"
#include "registry/registry_client.hpp"
#include "transport/tls_options.hpp"

#include <memory>
#include <string>

namespace regmigrate::engine {

struct RegistrySide {
    std::string host;  // host[:port]
    transport::TlsOptions tls;
    registry::Credentials credentials;
    registry::RegistryOptions registry;
    transport::Timeouts timeouts;
    std::size_t max_connections = 32;
};

// A client for the side on this executor, counting its requests in metrics.
Expected<std::unique_ptr<registry::RegistryClient>> connect(const RegistrySide& side,
                                                            boost::asio::any_io_executor executor,
                                                            metrics::Metrics& metrics);

}  // namespace regmigrate::engine
