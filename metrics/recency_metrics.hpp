// The recency filters' counters, registered beside a run's other metrics only when a pair
// has a filter: regmigrate_tags_left_out_total{reason="older"|"beyond_last"} and
// regmigrate_tags_undated_total (kept because their creation date could not be read).
#pragma once

#include "metrics/metrics.hpp"

#include <cstdint>
#include <string_view>

namespace regmigrate::metrics {

class RecencyMetrics {
  public:
    explicit RecencyMetrics(Metrics& metrics);

    // reason: engine::to_string(LeftOutReason).
    void left_out(std::string_view reason, std::uint64_t count = 1);
    void undated(std::uint64_t count);

  private:
    prometheus::Family<prometheus::Counter>* left_out_ = nullptr;
    prometheus::Counter* undated_ = nullptr;
};

}  // namespace regmigrate::metrics
