// `regmigrate sync --watch INTERVAL`: the plan synced again and again, INTERVAL after each
// round ended, with /metrics and /healthz served on --metrics-addr the whole time (one
// server for the process). The decisions are engine::WatchState's; this only runs rounds,
// sleeps and listens for SIGINT/SIGTERM.
#pragma once

#include "engine/run/sync_job.hpp"
#include "tools/cli/side_options.hpp"

#include <CLI/CLI.hpp>

#include <chrono>

namespace regmigrate::cli {

struct WatchSettings {
    std::chrono::seconds interval{60};
    // A running round that moves nothing for this long makes /healthz answer 503.
    std::chrono::seconds stall_after{std::chrono::minutes(30)};
};

// --watch INTERVAL and --watch-stall-after DURATION.
void add_watch_flags(CLI::App& command, std::string& interval, std::string& stall_after);
// The flags' durations (usage errors name the flag); --dry-run has nothing to repeat.
Expected<WatchSettings> watch_settings(const std::string& interval, const std::string& stall_after,
                                       bool dry_run);

// Runs rounds until SIGINT or SIGTERM: a round in progress ends after its images in flight
// (its report written), and the process exits 0. A failed round is logged, counted and
// shown by /healthz; the next round runs as planned. Each round's --report replaces the
// last one.
int run_watch(const engine::SyncPlan& plan, const engine::SyncOptions& options,
              const CommonFlags& flags, const WatchSettings& watch);

}  // namespace regmigrate::cli
