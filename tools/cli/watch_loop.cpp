#include "tools/cli/watch_loop.hpp"

#include "engine/run/signal_stop.hpp"
#include "engine/run/watch_state.hpp"
#include "metrics/progress.hpp"
#include "metrics/watch_metrics.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/plan_run.hpp"
#include "tools/cli/run_output.hpp"
#include "transport/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <mutex>

namespace regmigrate::cli {

namespace {

namespace asio = boost::asio;
using engine::WatchClock;

// SIGINT/SIGTERM for the whole watch. Registered before the first round and kept to the
// end, so a signal between rounds (or while a round writes its report) is held for the
// loop instead of killing the process; during a round the run's own handler
// (engine/run/signal_stop.hpp) hears it too and ends the round after its images in flight.
class WatchSignals {
  public:
    WatchSignals() {
        signals_.async_wait([this](const boost::system::error_code& error, int received) {
            if (error)
                return;
            received_ = received;
            loop_.stop();
        });
    }

    // The signal received so far, 0 when none.
    int pending() {
        loop_.restart();
        loop_.poll();
        return received_;
    }

    // Sleeps until `deadline` or a signal; returns the signal, 0 at the deadline.
    int sleep_until(WatchClock::time_point deadline) {
        if (received_ == 0) {
            loop_.restart();
            loop_.run_until(deadline);
        }
        return received_;
    }

  private:
    asio::io_context loop_{1};
    asio::signal_set signals_{loop_, SIGINT, SIGTERM};
    int received_ = 0;
};

// One round: the sync, its summary and report (a round that could not run writes a
// report saying why, so the file always tells of the last round). Returns the exit code
// and the failure line; `stop_signal` is set when a signal ended the round.
int run_round(const engine::SyncPlan& plan, const engine::SyncOptions& options,
              const CommonFlags& flags, metrics::Metrics& metrics, std::string& why,
              int& stop_signal) {
    const auto started = WatchClock::now();
    const auto before = metrics.snapshot();
    auto result = run_with_progress(plan, options, metrics);
    if (!result) {
        why = result.error().message;
        const int code = report_error(result.error());
        if (!flags.report.empty()) {
            engine::RunReport failed;
            failed.error = why;
            failed.duration_seconds =
                std::chrono::duration<double>(WatchClock::now() - started).count();
            if (auto written = engine::write_report(failed, flags.report); !written)
                report_error(written.error());
        }
        return code;
    }
    stop_signal = result->stop_signal;
    result->report.totals = engine::counted_since(result->report.totals, before);
    why = engine::round_failure(result->report);
    return finish_run(result->report, flags, metrics, engine::ImageOutcome::copied);
}

// "watch round ended round=3 result=failed exit_code=1 duration=2s next_round_in_seconds=300
// error=...": the exit code one sync would have had, and why it failed.
void log_round_end(std::uint64_t round, int code, double seconds, std::chrono::seconds interval,
                   const std::string& why) {
    const auto result = metrics::round_result(code);
    const std::string round_text = std::to_string(round);
    const std::string result_text(metrics::to_string(result));
    const std::string code_text = std::to_string(code);
    const std::string took = metrics::format_duration(seconds);
    const std::string next_in = std::to_string(interval.count());
    if (result == metrics::RoundResult::succeeded) {
        log(LogLevel::info, "watch round ended",
            {{"round", round_text},
             {"result", result_text},
             {"exit_code", code_text},
             {"duration", took},
             {"next_round_in_seconds", next_in}});
        return;
    }
    log(LogLevel::warn, "watch round ended",
        {{"round", round_text},
         {"result", result_text},
         {"exit_code", code_text},
         {"duration", took},
         {"next_round_in_seconds", next_in},
         {"error", why}});
}

}  // namespace

void add_watch_flags(CLI::App& command, std::string& interval, std::string& stall_after) {
    auto* watch =
        command
            .add_option("--watch", interval,
                        "INTERVAL (30s, 5m, 1h): sync again INTERVAL after each round ends, until "
                        "SIGTERM/SIGINT (exit 0); /healthz beside /metrics on --metrics-addr")
            ->type_name("INTERVAL");
    command
        .add_option("--watch-stall-after", stall_after,
                    "with --watch: /healthz answers 503 when a round has made no progress (no "
                    "request answered, byte moved or image finished) for this long")
        ->type_name("DURATION")
        ->capture_default_str()
        ->needs(watch);
}

Expected<WatchSettings> watch_settings(const std::string& interval, const std::string& stall_after,
                                       bool dry_run) {
    if (dry_run)
        return make_error(ErrorKind::invalid_argument, "--watch and --dry-run exclude each other");
    auto every = engine::parse_watch_duration(interval, "--watch");
    if (!every)
        return every.error();
    auto stall = engine::parse_watch_duration(stall_after, "--watch-stall-after");
    if (!stall)
        return stall.error();
    return WatchSettings{*every, *stall};
}

int run_watch(const engine::SyncPlan& plan, const engine::SyncOptions& options,
              const CommonFlags& flags, const WatchSettings& watch) {
    metrics::Metrics metrics;
    metrics::WatchMetrics watch_metrics(metrics);
    std::mutex state_mutex;  // the server's thread asks, the loop tells
    engine::WatchState state(watch.interval, watch.stall_after);
    auto server = serve_metrics(flags, metrics, [&] {
        const auto progress = engine::progress_counter(metrics.snapshot());
        std::lock_guard lock(state_mutex);
        return state.health(WatchClock::now(), progress);
    });
    if (!server)
        return report_error(server.error());
    WatchSignals signals;
    log(LogLevel::info, "watching: a round every " + std::to_string(watch.interval.count()) +
                            "s after the last one ended");
    for (std::uint64_t round = 1;; ++round) {
        const auto started = WatchClock::now();
        {
            std::lock_guard lock(state_mutex);
            state.round_started(started);
        }
        watch_metrics.round_started();
        log(LogLevel::info, "watch round started", {{"round", std::to_string(round)}});
        std::string why;
        int stop_signal = 0;
        const int code = run_round(plan, options, flags, metrics, why, stop_signal);
        const auto ended = WatchClock::now();
        const double seconds = std::chrono::duration<double>(ended - started).count();
        watch_metrics.round_ended(code, seconds);
        WatchClock::time_point next;
        {
            std::lock_guard lock(state_mutex);
            next = state.round_ended(ended, code, why);
        }
        log_round_end(round, code, seconds, watch.interval, why);
        if (stop_signal == 0)
            stop_signal = signals.pending();
        if (stop_signal == 0)
            stop_signal = signals.sleep_until(next);
        if (stop_signal != 0) {
            log(LogLevel::info, std::string(engine::signal_name(stop_signal)) +
                                    ": watch stopped after " + std::to_string(round) +
                                    (round == 1 ? " round" : " rounds"));
            return exit_ok;
        }
    }
}

}  // namespace regmigrate::cli
