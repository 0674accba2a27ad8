#include "engine/run/in_place_migration.hpp"

#include "engine/run/same_host_migration.hpp"
#include "transport/log.hpp"

#include <thread>
#include <variant>

namespace regmigrate::engine {

namespace {

using Clock = std::chrono::steady_clock;

class Phases {
  public:
    Phases(const InPlaceMigration& migration, const SyncOptions& options,
           const MigrationFrontend& frontend)
        : migration_(migration), options_(options), frontend_(frontend) {}

    MigrationOutcome run() {
        if (auto serving = frontend_.serve_metrics(); !serving)
            return MigrationOutcome::failed(serving.error());
        auto marker = read_export_marker(migration_.staging_dir);
        if (!marker)
            return MigrationOutcome::failed(marker.error());
        if (resume_phase(*marker) == MigrationPhase::export_images) {
            auto exported = run_export();
            if (std::holds_alternative<MigrationOutcome>(exported))
                return std::get<MigrationOutcome>(std::move(exported));
            *marker = std::get<ExportMarker>(std::move(exported));
        } else {
            log(LogLevel::info, "the export in " + migration_.staging_dir.string() +
                                    " is complete (an earlier run): not exporting again");
        }
        if (auto switched = wait_for_switch(**marker); !switched)
            return MigrationOutcome::failed(switched.error());
        if ((*marker)->repositories.empty()) {
            log(LogLevel::warn, "the export holds no image: nothing to import");
            return finish({}, 0);
        }
        auto imported =
            frontend_.run(import_plan(layout_host(), migration_.new_registry, **marker), options_);
        if (!imported)
            return MigrationOutcome::failed(imported.error());
        return finish(std::move(imported->report), imported->stop_signal);
    }

  private:
    const std::string& host() const { return migration_.export_pair.source.host; }
    const std::string& layout_host() const { return migration_.export_pair.destination.host; }

    // The whole run's report: what the export failed, then what the import did.
    MigrationOutcome finish(RunReport report, int stop_signal) const {
        report.images.insert(report.images.begin(), export_failures_.images.begin(),
                             export_failures_.images.end());
        report.duration_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        return MigrationOutcome::finished(std::move(report), stop_signal);
    }

    // Export failures stop the run before the switch unless the operator accepts them.
    bool accept_export_failures(std::size_t failures) const {
        const std::string count = std::to_string(failures);
        switch (export_failure_handling(failures, options_.error_action, migration_.prompt)) {
            case ExportFailureHandling::go_on:
                return true;
            case ExportFailureHandling::skip_them:
                log(LogLevel::warn,
                    count + " images failed to export and are skipped (ERROR_ACTION=skip)");
                return true;
            case ExportFailureHandling::ask_operator:
                return frontend_.confirm(count + " images failed to export and will not reach " +
                                         "the new registry. Switch anyway?");
            case ExportFailureHandling::stop:
                break;
        }
        return false;
    }

    // Phase 1: the marker of the completed export, or how the run ends here.
    std::variant<ExportMarker, MigrationOutcome> run_export() {
        auto api = migration_source_api(migration_.export_pair.source, migration_.source_given);
        if (!api)
            return MigrationOutcome::failed(api.error());
        SyncPlan plan;
        plan.pairs.push_back(migration_.export_pair);
        if (migration_.prompt) {
            if (auto refused = confirm_migration_plan(plan, options_, frontend_, "exported"))
                return std::move(*refused);
        }
        log(LogLevel::info, "exporting every image of " + host() + " to " + layout_host());
        auto result = frontend_.run(plan, options_);
        if (!result)
            return MigrationOutcome::failed(result.error());
        if (result->stop_signal || !accept_export_failures(result->report.failures())) {
            if (!result->stop_signal) {
                log(LogLevel::error, "the export is incomplete: " + host() +
                                         " must not be switched yet; run again to finish it");
            }
            return finish(std::move(result->report), result->stop_signal);
        }
        for (auto& image : result->report.images) {
            if (image.is_failure())
                export_failures_.images.push_back(image);
        }
        ExportMarker marker{*api, false, exported_repositories(result->report, layout_host())};
        if (auto written = write_export_marker(migration_.staging_dir, marker); !written)
            return MigrationOutcome::failed(written.error());
        return marker;
    }

    // Phase 2: until the host is the new registry, or the timeout.
    Expected<void> wait_for_switch(ExportMarker& marker) const {
        SwitchWatch watch(marker.source_api, marker.switched);
        if (migration_.prompt && resume_phase(marker) == MigrationPhase::switch_registry) {
            if (frontend_.wait_for_enter("Every image of " + host() + " is in " +
                                         migration_.staging_dir.string() + ". Switch " + host() +
                                         " to the new registry now, then press Enter: "))
                watch.operator_confirmed();
        }
        SwitchDeadline deadline(Clock::now(), migration_.switch_timeout);
        while (!watch.switched(host_answer(detect_registry_api(migration_.new_registry)))) {
            const auto now = Clock::now();
            switch (deadline.after_probe(now)) {
                case SwitchDeadline::Step::give_up:
                    return make_error(ErrorKind::timeout,
                                      host() + " did not become the new registry within " +
                                          std::to_string(migration_.switch_timeout.count()) +
                                          " s (MIGRATION_SWITCH_TIMEOUT); the export is kept in " +
                                          migration_.staging_dir.string() +
                                          ": run again to go on waiting");
                case SwitchDeadline::Step::note:
                    log(LogLevel::info, "waiting for " + host() + " " + watch.waiting_for() + " (" +
                                            std::to_string(deadline.left(now).count()) +
                                            " s left)");
                    break;
                case SwitchDeadline::Step::probe_again:
                    break;
            }
            std::this_thread::sleep_for(switch_probe_interval);
        }
        if (!marker.switched) {
            marker.switched = true;
            if (auto written = write_export_marker(migration_.staging_dir, marker); !written)
                return written.error();
        }
        log(LogLevel::info, host() + " is the new registry: importing");
        return {};
    }

    const InPlaceMigration& migration_;
    const SyncOptions& options_;
    const MigrationFrontend& frontend_;
    RunReport export_failures_;
    Clock::time_point started_ = Clock::now();
};

}  // namespace

MigrationOutcome migrate_in_place(const InPlaceMigration& migration, const SyncOptions& options,
                                  const MigrationFrontend& frontend) {
    std::error_code made;
    std::filesystem::create_directories(migration.staging_dir, made);
    if (made) {
        return MigrationOutcome::failed(
            make_error(ErrorKind::io, "MIGRATION_STAGING_DIR: cannot create " +
                                          migration.staging_dir.string() + ": " + made.message()));
    }
    return Phases(migration, options, frontend).run();
}

}  // namespace regmigrate::engine
