#include "engine/run/migration.hpp"

#include "engine/run/exit_code.hpp"
#include "engine/run/in_place_migration.hpp"
#include "engine/run/same_host_migration.hpp"
#include "registry/name/reference.hpp"
#include "transport/log.hpp"

namespace regmigrate::engine {

namespace {

// V1_REGISTRY = V2_REGISTRY: export the old registry's images into the staging directory,
// then import them into the new one.
MigrationOutcome migrate_onto_itself(const MigratorSettings& settings, RegistrySide source,
                                     RegistrySide destination, const SyncOptions& options,
                                     const MigrationFrontend& frontend) {
    auto staging = staging_side(settings.staging_dir);
    if (!staging)
        return MigrationOutcome::failed(staging.error());
    auto pair = migrator_pair(settings, std::move(source), std::move(*staging));
    if (!pair)
        return MigrationOutcome::failed(pair.error());
    const InPlaceMigration migration{std::move(*pair),     std::move(destination),
                                     settings.staging_dir, settings.switch_timeout,
                                     settings.user_prompt, settings.source.host};
    return migrate_in_place(migration, options, frontend);
}

// Two registries: one sync of the selected images, confirmed first under USER_PROMPT.
MigrationOutcome migrate_between(const MigratorSettings& settings, RegistrySide source,
                                 RegistrySide destination, const SyncOptions& options,
                                 const MigrationFrontend& frontend) {
    if (auto api = migration_source_api(source, settings.source.host); !api)
        return MigrationOutcome::failed(api.error());
    auto pair = migrator_pair(settings, std::move(source), std::move(destination));
    if (!pair)
        return MigrationOutcome::failed(pair.error());
    SyncPlan plan;
    plan.pairs.push_back(std::move(*pair));
    if (settings.user_prompt) {
        if (auto refused = confirm_migration_plan(plan, options, frontend, "copied"))
            return std::move(*refused);
    }
    if (auto serving = frontend.serve_metrics(); !serving)
        return MigrationOutcome::failed(serving.error());
    auto result = frontend.run(plan, options);
    if (!result)
        return MigrationOutcome::failed(result.error());
    return MigrationOutcome::finished(std::move(result->report), result->stop_signal);
}

}  // namespace

MigrationOutcome MigrationOutcome::finished(RunReport report, int stop_signal) {
    MigrationOutcome outcome;
    outcome.report = std::move(report);
    outcome.stop_signal = stop_signal;
    return outcome;
}

MigrationOutcome MigrationOutcome::declined() {
    MigrationOutcome outcome;
    outcome.end = MigrationEnd::declined;
    return outcome;
}

MigrationOutcome MigrationOutcome::failed(Error error) {
    MigrationOutcome outcome;
    outcome.end = MigrationEnd::failed;
    outcome.error = std::move(error);
    return outcome;
}

std::optional<MigrationOutcome> confirm_migration_plan(const SyncPlan& plan,
                                                       const SyncOptions& options,
                                                       const MigrationFrontend& frontend,
                                                       std::string_view done) {
    auto yes = frontend.confirm_plan(plan, options);
    if (!yes)
        return MigrationOutcome::failed(yes.error());
    if (*yes)
        return std::nullopt;
    log(LogLevel::info, "not confirmed: nothing was " + std::string(done));
    return MigrationOutcome::declined();
}

Expected<RegistryApi> migration_source_api(const RegistrySide& source, const std::string& given) {
    if (registry::is_docker_hub(source.host))
        return RegistryApi::v2;
    auto api = detect_registry_api(source);
    if (!api) {
        auto error = with_context(api.error(), "V1_REGISTRY (" + given + ")");
        if (api.error().kind == ErrorKind::unsupported)
            error.kind = ErrorKind::invalid_argument;
        return error;
    }
    return api;
}

MigrationOutcome run_migration(const MigratorSettings& settings, RegistrySide source,
                               RegistrySide destination, const SyncOptions& options,
                               const MigrationFrontend& frontend) {
    if (settings.same_host()) {
        return migrate_onto_itself(settings, std::move(source), std::move(destination), options,
                                   frontend);
    }
    return migrate_between(settings, std::move(source), std::move(destination), options, frontend);
}

int migration_exit_code(const MigrationOutcome& outcome, int finish_code) {
    switch (outcome.end) {
        case MigrationEnd::finished:
            return run_exit_code(finish_code, outcome.stop_signal);
        case MigrationEnd::declined:
            return exit_failed;
        case MigrationEnd::failed:
            break;
    }
    return exit_code_for(outcome.error);
}

}  // namespace regmigrate::engine
