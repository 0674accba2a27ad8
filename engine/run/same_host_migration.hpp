// `regmigrate migrate` with V1_REGISTRY = V2_REGISTRY: the registry is replaced in place
// (same name, new server), so every image is first exported to OCI layouts in a staging
// directory, then the operator switches the registry, then the layouts are imported into
// the new one. The pure parts live here:
//   - the export marker, written into the staging directory once the export is complete,
//     so a rerun after a crash or a timeout never exports from the *new* registry and
//     knows whether the switch has already been seen;
//   - the switch watch, which decides from probes of the host when the new registry is up;
//   - where a run resumes, when the unattended wait notes or gives up, what export failures
//     lead to, and the plans of the export and the import.
// The phases themselves run in engine/run/in_place_migration.hpp.
#pragma once

#include "engine/plan/error_action.hpp"
#include "engine/plan/registry_api.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/run_report.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

struct ExportMarker {
    RegistryApi source_api = RegistryApi::v1;  // what the replaced registry spoke
    bool switched = false;                     // the new registry has been seen answering
    std::vector<std::string> repositories;     // layouts the export wrote, by name

    bool operator==(const ExportMarker&) const = default;
};

// The marker's file name inside the staging directory.
inline constexpr std::string_view export_marker_name = "regmigrate-export-complete";

// Line-based text: "regmigrate-export 1", "api v1|v2", "switched yes|no", then one
// "repository NAME" line per layout.
std::string render_export_marker(const ExportMarker& marker);
// Any other text (another version, unknown lines, a torn file) is an ErrorKind::protocol
// error naming what is wrong.
Expected<ExportMarker> parse_export_marker(std::string_view text);

// nullopt when the staging directory has no marker (the export has not completed).
Expected<std::optional<ExportMarker>> read_export_marker(const std::filesystem::path& staging);
// Written to a temporary file, fsynced and renamed: a crash leaves the old marker or none.
Expected<void> write_export_marker(const std::filesystem::path& staging,
                                   const ExportMarker& marker);

// The distinct repositories of the records the export did not fail, from destinations
// written as "LAYOUT_HOST/REPO:TAG" or "LAYOUT_HOST/REPO@DIGEST"; sorted.
std::vector<std::string> exported_repositories(const RunReport& report,
                                               std::string_view layout_host);

// How often the host is probed while the switch is awaited. A v2 registry replaced by a v2
// registry is only seen gone if it stays down (refusing connections) across a probe: a
// switch quicker than this goes unnoticed and needs the operator's word (USER_PROMPT).
inline constexpr std::chrono::milliseconds switch_probe_interval{250};

// What one probe of the switched host found.
enum class HostAnswer {
    unreachable,  // no connection, a timeout: the old server is down, the new not yet up
    v1,           // still the legacy registry
    v2,           // a registry v2 API (200 or 401 on GET /v2/)
    other,        // something answers, but no registry API
};

HostAnswer host_answer(const Expected<RegistryApi>& probe);

// Decides when the host is the new registry. A v1 source is replaced as soon as the host
// answers v2. A v2 source is replaced by a v2 registry too, so the host must first be seen
// gone (unreachable or answering no registry API) and then answering v2 again; an operator
// who says the switch is done, or a marker that already saw it, is taken at their word.
class SwitchWatch {
  public:
    SwitchWatch(RegistryApi replaced, bool already_switched);

    void operator_confirmed() { confirmed_ = true; }
    // Feeds one probe; true once the new registry is up.
    bool switched(HostAnswer answer);
    // For the waiting message: "to answer the v2 API", "to go down and come back".
    std::string waiting_for() const;

  private:
    RegistryApi replaced_;
    bool confirmed_;
    bool went_away_ = false;
};

// The phase a run starts at, from the marker in the staging directory.
enum class MigrationPhase {
    export_images,    // no marker: the export has not completed
    switch_registry,  // exported, the new registry not seen yet: ask the operator or probe
    import_images,    // an earlier run saw the switch: import once the host answers v2
};

MigrationPhase resume_phase(const std::optional<ExportMarker>& marker);

// What images that failed to export lead to, before anything is switched.
enum class ExportFailureHandling {
    go_on,         // none failed
    skip_them,     // ERROR_ACTION=skip: warned, reported with the import, never imported
    ask_operator,  // USER_PROMPT on a terminal: the operator may switch anyway
    stop,          // the export is incomplete: the registry must not be switched yet
};

ExportFailureHandling export_failure_handling(std::size_t failures, ErrorAction action,
                                              bool prompt);

// How often the unattended wait for the switch says it is still waiting.
inline constexpr std::chrono::seconds switch_note_interval{30};

// The clock of the unattended wait: it notes at the first probe that does not see the new
// registry and then every switch_note_interval, and gives up at start + timeout.
class SwitchDeadline {
  public:
    using Clock = std::chrono::steady_clock;

    enum class Step { probe_again, note, give_up };

    SwitchDeadline(Clock::time_point start, std::chrono::seconds timeout);

    // After a probe at `now` that did not see the new registry.
    Step after_probe(Clock::time_point now);
    // Whole seconds left at `now` (0 once past the deadline), for the note.
    std::chrono::seconds left(Clock::time_point now) const;

  private:
    Clock::time_point deadline_;
    Clock::time_point next_note_;
};

// The staging directory as the export's destination: oci:STAGING. An error names
// MIGRATION_STAGING_DIR.
Expected<RegistrySide> staging_side(const std::filesystem::path& staging);

// The import: every repository the marker lists, from the layouts under layout_host
// (oci:STAGING) into the new registry.
SyncPlan import_plan(const std::string& layout_host, const RegistrySide& new_registry,
                     const ExportMarker& marker);

}  // namespace regmigrate::engine
