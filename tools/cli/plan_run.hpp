// Running a sync plan from the command line: with a progress line, the dry-run summary, and
// the operator's confirmation of a plan.
#pragma once

#include "engine/run/sync_job.hpp"

namespace regmigrate::cli {

// run_sync with the progress line on the terminal while it goes.
Expected<engine::SyncResult> run_with_progress(const engine::SyncPlan& plan,
                                               const engine::SyncOptions& options,
                                               metrics::Metrics& metrics);

// Every planned image, then "plan: R repositories, T tags, I images, B bytes to move after
// dedupe".
void print_dry_run(const engine::SyncResult& result);

// The plan's dry run (its requests kept out of the run's metrics), printed, then the
// operator's yes on the terminal.
Expected<bool> confirm_plan(const engine::SyncPlan& plan, engine::SyncOptions options);

}  // namespace regmigrate::cli
