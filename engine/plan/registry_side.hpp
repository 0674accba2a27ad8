// One side of a migration (source or destination): where it is, how to reach it, who we are.
#pragma once

#include "metrics/metrics.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/ecr/ecr_api.hpp"
#include "transport/http/proxy_selection.hpp"
#include "transport/tls/tls_options.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

// An Amazon ECR destination: the API that logs in and creates its repositories.
struct EcrSettings {
    std::string endpoint;  // empty: ecr_api_endpoint(region)
    std::string region;    // empty: the host's region, else the AWS settings'
    registry::EcrRepositorySettings create_repositories;
};

inline constexpr std::size_t default_max_connections = 32;

struct RegistrySide {
    std::string host;  // host[:port]
    // TlsMode::automatic when the user chose nothing: resolved by connect().
    transport::TlsOptions tls;
    registry::Credentials credentials;
    registry::RegistryOptions registry;
    transport::Timeouts timeouts;
    // Connections per origin on each event loop; unset: a run sizes them for its
    // concurrency, anything else uses default_max_connections.
    std::optional<std::size_t> max_connections;
    // Set by a plan or --ecr-endpoint; an ECR host (registry::is_ecr_host) needs none.
    std::optional<EcrSettings> ecr;
    // A plan's `proxy:` or --proxy (transport::parse_proxy_choice); unset: the environment's
    // HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
    std::optional<transport::ProxyRules> proxy;
};

// The forward proxies every client of side uses: its explicit choice, else the process
// environment's (an invalid proxy variable is an error naming it).
Expected<transport::ProxyRules> proxy_rules(const RegistrySide& side);

// A client for the side on this executor, counting its requests in metrics.
// The status host answers GET path with (its body, up to 64 KiB, dropped): how a side's API
// and transport are probed before real traffic.
boost::asio::awaitable<Expected<int>> probe_status(transport::HttpClient& http,
                                                   std::string_view host, std::string_view path,
                                                   bool follow_redirects);

Expected<std::unique_ptr<registry::RegistryClient>> connect(const RegistrySide& side,
                                                            boost::asio::any_io_executor executor,
                                                            metrics::Metrics& metrics);

// Whether host[:port] is on loopback: 127.0.0.0/8, ::1 or "localhost".
bool is_loopback_registry(std::string_view host);

// docker's default for a loopback registry, from what a GET /v2/ probe saw: TLS without
// verification when it answered over TLS, else plain HTTP when that answered; when
// neither did, TLS without verification, whose error then explains the failure.
transport::TlsMode loopback_tls_mode(bool answered_over_tls, bool answered_over_http);

// side.tls.mode with automatic resolved: enabled off loopback; on loopback probed once per
// host for the whole process (every worker loop connects, one probe answers them all).
transport::TlsMode resolve_tls_mode(const RegistrySide& side);

}  // namespace regmigrate::engine
