// `regmigrate migrate`: the docker/migrator's run over the sync engine. Between two
// registries, one sync of the selected images; onto the same registry (V1_REGISTRY =
// V2_REGISTRY), export → switch → import (engine/run/in_place_migration.hpp).
//
// The command line lends the run what it owns: the progress line, the terminal's
// questions and the metrics endpoint (MigrationFrontend). The run returns how it ended
// (MigrationOutcome); the command line prints it and exits with migration_exit_code.
#pragma once

#include "engine/plan/migrator_env.hpp"
#include "engine/plan/registry_api.hpp"
#include "engine/run/sync_job.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

struct MigrationFrontend {
    // Runs a plan (the command line shows its progress line meanwhile).
    std::function<Expected<SyncResult>(const SyncPlan&, const SyncOptions&)> run;
    // USER_PROMPT: the plan's dry run shown, then the operator's yes.
    std::function<Expected<bool>(const SyncPlan&, const SyncOptions&)> confirm_plan;
    // USER_PROMPT: a yes or no to a question.
    std::function<bool(std::string_view question)> confirm;
    // USER_PROMPT: shows the prompt and waits for Enter; false when nobody answers.
    std::function<bool(std::string_view prompt)> wait_for_enter;
    // Starts serving the run's metrics (--metrics-addr), just before the first plan runs.
    std::function<Expected<void>()> serve_metrics;
};

enum class MigrationEnd {
    finished,  // the report says what was done (images may have failed)
    declined,  // the operator said no: nothing was done
    failed,    // the run could not go on: the error says why
};

struct MigrationOutcome {
    MigrationEnd end = MigrationEnd::finished;
    RunReport report;     // finished
    int stop_signal = 0;  // finished: SIGINT or SIGTERM stopped it
    Error error;          // failed

    static MigrationOutcome finished(RunReport report, int stop_signal);
    static MigrationOutcome declined();
    static MigrationOutcome failed(Error error);
};

// USER_PROMPT's confirmation of a plan: nullopt when the operator says yes; otherwise how
// the run ends: declined (logged "not confirmed: nothing was <done>"), or failed when the
// plan's dry run did.
std::optional<MigrationOutcome> confirm_migration_plan(const SyncPlan& plan,
                                                       const SyncOptions& options,
                                                       const MigrationFrontend& frontend,
                                                       std::string_view done);

// What a source speaks: Docker Hub is a v2 registry without asking; otherwise probed. An
// error names V1_REGISTRY (as given); a host that answers but is no registry is a usage
// error (the variable is wrong, not the network).
Expected<RegistryApi> migration_source_api(const RegistrySide& source, const std::string& given);

// The whole migration with the sides the command line built from the settings (logins
// applied) and the options of the run.
MigrationOutcome run_migration(const MigratorSettings& settings, RegistrySide source,
                               RegistrySide destination, const SyncOptions& options,
                               const MigrationFrontend& frontend);

// The exit status: finished → run_exit_code(finish_code, stop_signal), where finish_code is
// what printing the report returned; declined → 1; failed → exit_code_for(error).
int migration_exit_code(const MigrationOutcome& outcome, int finish_code);

}  // namespace regmigrate::engine
