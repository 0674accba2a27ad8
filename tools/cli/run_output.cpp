#include "tools/cli/run_output.hpp"

#include "tools/cli/commands.hpp"
#include "transport/log.hpp"

#include <algorithm>
#include <cstdio>

namespace regmigrate::cli {

int report_error(const Error& error) {
    log(LogLevel::error, error.message);
    return engine::exit_code_for(error);
}

void add_preflight_flag(CLI::App& command, bool& no_preflight) {
    command.add_flag("--no-preflight", no_preflight,
                     "skip the checks of every registry before the run (reach, credentials, "
                     "push permission) for a registry that cannot be probed");
}

engine::PreflightSettings preflight_settings(const CommonFlags& flags, bool no_preflight) {
    return engine::PreflightSettings{.enabled = !no_preflight, .certs_dir = flags.certs_dir};
}

void configure_logging(const CommonFlags& flags) {
    auto format = parse_log_format(flags.log_format);
    log_configure(format ? *format : LogFormat::text, LogLevel::info);
}

Expected<std::unique_ptr<metrics::MetricsServer>> serve_metrics(const CommonFlags& flags,
                                                                const metrics::Metrics& metrics,
                                                                metrics::HealthProbe health) {
    if (flags.metrics_addr.empty())
        return std::unique_ptr<metrics::MetricsServer>();
    auto server = metrics::MetricsServer::start(flags.metrics_addr, metrics, std::move(health));
    if (!server)
        return with_context(server.error(), "--metrics-addr");
    log(LogLevel::info, "serving metrics and health",
        {{"url", "http://" + flags.metrics_addr + "/metrics"},
         {"health", "http://" + flags.metrics_addr + "/healthz"}});
    return server;
}

int finish_run(const engine::RunReport& report, const CommonFlags& flags,
               const metrics::Metrics& metrics, engine::ImageOutcome done) {
    for (const auto& image : report.images) {
        if (image.is_failure()) {
            log(LogLevel::error, "image failed",
                {{"source", image.source},
                 {"destination", image.destination},
                 {"error", image.error}});
        }
    }
    // Identical failures once each with their count: 100,000 lines say less than one.
    for (const auto& [count, summary] : report.failure_groups()) {
        log(LogLevel::error,
            std::to_string(count) + (count == 1 ? " image" : " images") + " failed: " + summary);
    }
    if (const std::size_t untried = report.not_attempted(); untried > 0) {
        const auto first = std::find_if(
            report.images.begin(), report.images.end(),
            [](const auto& image) { return image.status == engine::ImageOutcome::not_attempted; });
        log(LogLevel::error, std::to_string(untried) + (untried == 1 ? " image" : " images") +
                                 " not attempted: " + first->error);
    }
    std::printf("%s\n", report.summary_line(done).c_str());
    std::fflush(stdout);
    if (!flags.report.empty()) {
        if (auto written = engine::write_report(report, flags.report); !written) {
            return report_error(written.error());
        }
    }
    if (!flags.metrics_file.empty()) {
        if (auto written = engine::write_metrics_file(metrics, flags.metrics_file); !written) {
            return report_error(written.error());
        }
    }
    if (!flags.pushgateway.empty()) {
        // A monitoring hiccup must not turn a finished migration into a failure: warn only.
        if (auto pushed = metrics::push_to_gateway(metrics, flags.pushgateway, "regmigrate",
                                                   flags.pushgateway_grouping);
            !pushed) {
            log(LogLevel::warn, pushed.error().message);
        }
    }
    return report.complete() ? exit_ok : exit_failed;
}

}  // namespace regmigrate::cli
