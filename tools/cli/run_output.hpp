// What every command does at its end: summary line, report file, exit code.
#pragma once

#include "engine/plan/preflight_settings.hpp"
#include "engine/run/run_report.hpp"
#include "metrics/metrics_outputs.hpp"
#include "tools/cli/side_options.hpp"

namespace regmigrate::cli {

// Prints one error line (the message names what is at fault) and returns the exit code
// for its kind: usage/configuration problems 2, failures 1.
int report_error(const Error& error);

// Serves /metrics and /healthz (`health`, or 200 "ok") when --metrics-addr is set (null
// otherwise).
Expected<std::unique_ptr<metrics::MetricsServer>> serve_metrics(const CommonFlags& flags,
                                                                const metrics::Metrics& metrics,
                                                                metrics::HealthProbe health = {});

// Prints the summary, writes --report, returns 0 when no image failed, else 1.
// `done` is the outcome the summary line counts first (copied, matched). Also writes
// --metrics-file and pushes to --pushgateway.
int finish_run(const engine::RunReport& report, const CommonFlags& flags,
               const metrics::Metrics& metrics, engine::ImageOutcome done);

// --no-preflight, on every command that runs a plan.
void add_preflight_flag(CLI::App& command, bool& no_preflight);
engine::PreflightSettings preflight_settings(const CommonFlags& flags, bool no_preflight);

// Applies --log-format (already validated by CLI11).
void configure_logging(const CommonFlags& flags);

}  // namespace regmigrate::cli
