// Two of the three ways metrics leave the process: scraped from /metrics
// (metrics/metrics_server.hpp), or pushed to a Prometheus pushgateway at the end of a run. The
// third, the node_exporter textfile, is written by engine::write_metrics_file
// (engine/run/run_report.hpp) through the one atomic file writer.
#pragma once

#include "metrics/metrics.hpp"
#include "metrics/metrics_server.hpp"
#include "transport/error.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace regmigrate::metrics {

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
