#include "tools/cli/migrate_in_place.hpp"

#include "engine/run/same_host_migration.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/plan_run.hpp"
#include "tools/cli/run_output.hpp"
#include "tools/cli/terminal.hpp"
#include "transport/log.hpp"

#include <thread>

namespace regmigrate::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto note_interval = std::chrono::seconds(30);

struct Phases {
    Phases(const InPlaceMigration& migration, const engine::SyncOptions& options,
           const CommonFlags& common)
        : migration(migration), options(options), common(common) {}

    const InPlaceMigration& migration;
    const engine::SyncOptions& options;
    const CommonFlags& common;
    metrics::Metrics metrics;
    engine::RunReport export_failures;
    Clock::time_point started = Clock::now();

    const std::string& host() const { return migration.export_pair.source.host; }
    const std::string& layout_host() const { return migration.export_pair.destination.host; }

    engine::SyncPlan export_plan() const {
        engine::SyncPlan plan;
        plan.pairs.push_back(migration.export_pair);
        return plan;
    }

    engine::SyncPlan import_plan(const engine::ExportMarker& marker) const {
        engine::SyncPair pair;
        pair.source.host = layout_host();
        pair.destination = migration.new_registry;
        pair.repositories = marker.repositories;
        engine::SyncPlan plan;
        plan.pairs.push_back(std::move(pair));
        return plan;
    }

    // The whole run's report: what the export failed, then what the import did.
    int finish(engine::RunReport report, int stop_signal) {
        report.images.insert(report.images.begin(), export_failures.images.begin(),
                             export_failures.images.end());
        report.duration_seconds = std::chrono::duration<double>(Clock::now() - started).count();
        const int code = finish_run(report, common, metrics, engine::ImageOutcome::copied);
        return stop_signal ? exit_signal_base + stop_signal : code;
    }

    // Export failures stop the run before the switch unless the operator accepts them:
    // ERROR_ACTION=skip, or a yes on the terminal.
    bool accept_export_failures(std::size_t failures) const {
        if (failures == 0 || options.error_action == engine::ErrorAction::skip) {
            if (failures != 0) {
                log(LogLevel::warn,
                    std::to_string(failures) +
                        " images failed to export and are skipped (ERROR_ACTION=skip)");
            }
            return true;
        }
        return migration.prompt &&
               confirm(std::to_string(failures) + " images failed to export and will not reach " +
                       "the new registry. Switch anyway?");
    }

    // Phase 1. nullopt with *code set when the run ends here.
    std::optional<engine::ExportMarker> run_export(
        const std::function<Expected<engine::RegistryApi>()>& probe_source, int& code) {
        auto api = probe_source();
        if (!api) {
            code = report_error(api.error());
            return std::nullopt;
        }
        const auto plan = export_plan();
        if (migration.prompt) {
            auto yes = confirm_plan(plan, options);
            if (!yes || !*yes) {
                code = yes ? exit_failed : report_error(yes.error());
                if (yes)
                    log(LogLevel::info, "not confirmed: nothing was exported");
                return std::nullopt;
            }
        }
        log(LogLevel::info, "exporting every image of " + host() + " to " + layout_host());
        auto result = run_with_progress(plan, options, metrics);
        if (!result) {
            code = report_error(result.error());
            return std::nullopt;
        }
        const std::size_t failures = result->report.failures();
        if (result->stop_signal || !accept_export_failures(failures)) {
            if (!result->stop_signal) {
                log(LogLevel::error, "the export is incomplete: " + host() +
                                         " must not be switched yet; run again to finish it");
            }
            code = finish(std::move(result->report), result->stop_signal);
            return std::nullopt;
        }
        for (auto& image : result->report.images) {
            if (image.is_failure())
                export_failures.images.push_back(image);
        }
        engine::ExportMarker marker{*api, false,
                                    engine::exported_repositories(result->report, layout_host())};
        if (auto written = engine::write_export_marker(migration.staging_dir, marker); !written) {
            code = report_error(written.error());
            return std::nullopt;
        }
        return marker;
    }

    // Phase 2: until the host is the new registry, or the timeout.
    Expected<void> wait_for_switch(engine::ExportMarker& marker) {
        engine::SwitchWatch watch(marker.source_api, marker.switched);
        if (migration.prompt && !marker.switched) {
            const auto enter = read_answer(
                "Every image of " + host() + " is in " + migration.staging_dir.string() +
                    ". Switch " + host() + " to the new registry now, then press Enter: ",
                true);
            if (enter)
                watch.operator_confirmed();
        }
        const auto deadline = Clock::now() + migration.switch_timeout;
        auto next_note = Clock::now();
        while (!watch.switched(
            engine::host_answer(engine::detect_registry_api(migration.new_registry)))) {
            const auto now = Clock::now();
            if (now >= deadline) {
                return make_error(ErrorKind::timeout,
                                  host() + " did not become the new registry within " +
                                      std::to_string(migration.switch_timeout.count()) +
                                      " s (MIGRATION_SWITCH_TIMEOUT); the export is kept in " +
                                      migration.staging_dir.string() +
                                      ": run again to go on waiting");
            }
            if (now >= next_note) {
                const auto left =
                    std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count();
                log(LogLevel::info, "waiting for " + host() + " " + watch.waiting_for() + " (" +
                                        std::to_string(left) + " s left)");
                next_note = now + note_interval;
            }
            std::this_thread::sleep_for(engine::switch_probe_interval);
        }
        if (!marker.switched) {
            marker.switched = true;
            if (auto written = engine::write_export_marker(migration.staging_dir, marker); !written)
                return written.error();
        }
        log(LogLevel::info, host() + " is the new registry: importing");
        return {};
    }
};

}  // namespace

int migrate_in_place(const InPlaceMigration& migration, const engine::SyncOptions& options,
                     const CommonFlags& common,
                     const std::function<Expected<engine::RegistryApi>()>& probe_source) {
    std::error_code made;
    std::filesystem::create_directories(migration.staging_dir, made);
    if (made) {
        return report_error(make_error(ErrorKind::io, "MIGRATION_STAGING_DIR: cannot create " +
                                                          migration.staging_dir.string() + ": " +
                                                          made.message()));
    }
    Phases phases(migration, options, common);
    auto server = serve_metrics(common, phases.metrics);
    if (!server)
        return report_error(server.error());

    auto marker = engine::read_export_marker(migration.staging_dir);
    if (!marker)
        return report_error(marker.error());
    if (marker->has_value()) {
        log(LogLevel::info, "the export in " + migration.staging_dir.string() +
                                " is complete (an earlier run): not exporting again");
    } else {
        int code = exit_failed;
        *marker = phases.run_export(probe_source, code);
        if (!marker->has_value())
            return code;
    }
    if (auto switched = phases.wait_for_switch(**marker); !switched)
        return report_error(switched.error());
    if ((*marker)->repositories.empty()) {
        log(LogLevel::warn, "the export holds no image: nothing to import");
        return phases.finish({}, 0);
    }
    auto imported = run_with_progress(phases.import_plan(**marker), options, phases.metrics);
    if (!imported)
        return report_error(imported.error());
    return phases.finish(std::move(imported->report), imported->stop_signal);
}

}  // namespace regmigrate::cli
