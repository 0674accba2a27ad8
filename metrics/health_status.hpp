// What /healthz answers (metrics/metrics_server.hpp): 200 or 503 and one line saying why.
#pragma once

#include <functional>
#include <string>

namespace regmigrate::metrics {

struct HealthStatus {
    bool healthy = true;
    std::string reason;  // one line: why, healthy or not
};

// Asked on every /healthz request, from the server's thread.
using HealthProbe = std::function<HealthStatus()>;

}  // namespace regmigrate::metrics
