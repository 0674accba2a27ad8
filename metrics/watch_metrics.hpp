// The metrics of `sync --watch`, registered beside the run's (metrics/metrics.hpp) in the
// same registry: every round adds to the same counters, so totals keep counting across
// rounds, and these say how each round ended.
//   regmigrate_watch_rounds_total{result="succeeded|failed"}   rounds ended, by result
//   regmigrate_watch_last_round_exit_code                     as one sync run's: 0, 1 or 2
//   regmigrate_watch_last_round_duration_seconds
//   regmigrate_watch_round_running                            1 while a round runs
#pragma once

#include "metrics/metrics.hpp"

#include <string_view>

namespace regmigrate::metrics {

enum class RoundResult {
    succeeded,  // exit code 0: every image of the plan done
    failed,     // anything else: images failed, or the round could not run at all
};
// The words of the logs and of the result label.
std::string_view to_string(RoundResult result);
RoundResult round_result(int exit_code);

class WatchMetrics {
  public:
    explicit WatchMetrics(const Metrics& metrics);

    void round_started();
    void round_ended(int exit_code, double seconds);

  private:
    prometheus::Counter* succeeded_ = nullptr;
    prometheus::Counter* failed_ = nullptr;
    prometheus::Gauge* exit_code_ = nullptr;
    prometheus::Gauge* duration_ = nullptr;
    prometheus::Gauge* running_ = nullptr;
};

}  // namespace regmigrate::metrics
