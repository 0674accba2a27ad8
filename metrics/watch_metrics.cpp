#include "metrics/watch_metrics.hpp"

#include <string>

namespace regmigrate::metrics {

namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

std::string_view to_string(RoundResult result) {
    return result == RoundResult::succeeded ? "succeeded" : "failed";
}

RoundResult round_result(int exit_code) {
    return exit_code == 0 ? RoundResult::succeeded : RoundResult::failed;
}

WatchMetrics::WatchMetrics(const Metrics& metrics) {
    auto& registry = *metrics.registry();
    auto& rounds = prometheus::BuildCounter()
                       .Name("regmigrate_watch_rounds_total")
                       .Help("sync --watch rounds ended, by result.")
                       .Register(registry);
    // Both results exported at zero from the start, as images_total's are.
    succeeded_ = &rounds.Add({{"result", std::string(to_string(RoundResult::succeeded))}});
    failed_ = &rounds.Add({{"result", std::string(to_string(RoundResult::failed))}});
    exit_code_ =
        &gauge(registry, "regmigrate_watch_last_round_exit_code",
               "Exit code of the last sync --watch round, as one sync run would exit with it "
               "(0 complete, 1 images failed, 2 configuration or preflight).");
    duration_ = &gauge(registry, "regmigrate_watch_last_round_duration_seconds",
                       "Duration of the last sync --watch round.");
    running_ = &gauge(registry, "regmigrate_watch_round_running",
                      "1 while a sync --watch round runs, 0 between rounds.");
}

void WatchMetrics::round_started() {
    running_->Set(1);
}

void WatchMetrics::round_ended(int exit_code, double seconds) {
    (round_result(exit_code) == RoundResult::succeeded ? succeeded_ : failed_)->Increment();
    exit_code_->Set(exit_code);
    duration_->Set(seconds);
    running_->Set(0);
}

}  // namespace regmigrate::metrics
