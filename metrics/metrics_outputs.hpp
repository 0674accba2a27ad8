// Two of the three ways metrics leave the process: scraped from /metrics, or pushed to a
// Prometheus pushgateway at the end of a run. The third, the node_exporter textfile, is
// written by engine::write_metrics_file (engine/run/run_report.hpp) through the one atomic
// file writer.
#pragma once

#include "metrics/metrics.hpp"
#include "transport/error.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Exposer;
}

namespace regmigrate::metrics {

// --metrics-addr HOST:PORT. An empty host (":9100") listens on every IPv4 interface.
struct ListenAddress {
    std::string host;
    uint16_t port = 0;
    bool ipv6 = false;
};
Expected<ListenAddress> parse_listen_address(std::string_view address);

// Serves the registry's metrics at /metrics until destroyed.
class MetricsServer {
  public:
    // Listening when this returns; port 0 picks a free port (see port()).
    static Expected<std::unique_ptr<MetricsServer>> start(std::string_view address,
                                                          const Metrics& metrics);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // The port actually bound.
    uint16_t port() const;

  private:
    MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                  std::shared_ptr<prometheus::Registry> registry);

    std::unique_ptr<prometheus::Exposer> exposer_;
    // The exposer only holds a weak_ptr; this keeps the registry alive while serving.
    std::shared_ptr<prometheus::Registry> registry_;
};

// The pushgateway's pieces of --pushgateway URL (http or https, optional user:pass and
// path prefix). `display` is the URL without credentials, for messages.
struct PushgatewayTarget {
    std::string host;  // scheme://host, as prometheus::Gateway wants it
    std::string port;  // port, followed by the path prefix when there is one
    std::string username;
    std::string password;
    std::string display;
};
Expected<PushgatewayTarget> parse_pushgateway_url(std::string_view url);

// One grouping-key path segment pair for the pushgateway: values that are not plain
// URL-safe text (or are empty) use the "name@base64" form with base64url values.
std::pair<std::string, std::string> encode_grouping_label(std::string_view name,
                                                          std::string_view value);

// Replaces this job's metrics (HTTP PUT) under the grouping key on the pushgateway.
Expected<void> push_to_gateway(const Metrics& metrics, const std::string& url,
                               const std::string& job, std::map<std::string, std::string> grouping);

}  // namespace regmigrate::metrics
