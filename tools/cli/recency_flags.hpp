// --newer-than and --keep-last of sync and verify: given on the command line, they hold
// for every pair of the plan (a plan file's newer_than/keep_last included).
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "transport/error.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace regmigrate::cli {

struct RecencyFlags {
    std::string newer_than;  // empty: not given
    std::string keep_last;   // empty: not given
};

void add_recency_flags(CLI::App& command, RecencyFlags& flags);
// A bad value is an ErrorKind::invalid_argument error naming its flag.
Expected<void> apply_recency_flags(const RecencyFlags& flags, engine::SyncPlan& plan);

}  // namespace regmigrate::cli
