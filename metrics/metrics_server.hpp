// --metrics-addr: /metrics (the Prometheus text format of the registry) and /healthz (200 or
// 503 with one line saying why) on one small Beast server with a thread of its own.
//
// prometheus-cpp's Exposer serves only /metrics with status 200, and a Kubernetes probe needs
// a status that says unhealthy; one server for both paths keeps them on one port. It is
// built for scrapers and probes, not for the internet: requests are GET or HEAD with headers
// of at most 8 KiB and no body, each read and write times out after 10 seconds, a connection
// serves at most 100 requests, and at most 32 connections are open at once (more are closed
// on accept).
#pragma once

#include "metrics/health_status.hpp"
#include "metrics/metrics.hpp"
#include "transport/error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace regmigrate::metrics {

// --metrics-addr HOST:PORT. An empty host (":9100") listens on every IPv4 interface.
struct ListenAddress {
    std::string host;
    uint16_t port = 0;
    bool ipv6 = false;
};
Expected<ListenAddress> parse_listen_address(std::string_view address);

struct EndpointAnswer {
    unsigned status = 200;
    std::string content_type;
    std::string body;
};

// The answer to METHOD TARGET: GET or HEAD of /metrics (a query string is ignored) is the
// exposition, of /healthz the probe's status (200 "ok" without a probe); another path 404,
// another method 405. Produces the body only for the path asked (exposition is not free).
EndpointAnswer answer_endpoint(std::string_view method, std::string_view target,
                               const Metrics& metrics, const HealthProbe& health);

// Serves the registry's metrics at /metrics and `health` at /healthz until destroyed.
class MetricsServer {
  public:
    // Listening when this returns; port 0 picks a free port (see port()).
    static Expected<std::unique_ptr<MetricsServer>> start(std::string_view address,
                                                          const Metrics& metrics,
                                                          HealthProbe health = {});
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // The port actually bound.
    uint16_t port() const;

    struct State;

  private:
    explicit MetricsServer(std::unique_ptr<State> state);

    std::unique_ptr<State> state_;
};

}  // namespace regmigrate::metrics
