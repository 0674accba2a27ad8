#include "engine/run/same_host_migration.hpp"

#include "engine/state/atomic_file.hpp"
#include "registry/layout/oci_layout_reference.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace regmigrate::engine {

namespace {

constexpr std::string_view marker_header = "regmigrate-export 1";

Error bad_marker(const std::string& problem) {
    return make_error(ErrorKind::protocol, std::string(export_marker_name) + ": " + problem);
}

// "KEY VALUE" → VALUE, when the line starts with KEY and a space.
std::optional<std::string_view> field(std::string_view line, std::string_view key) {
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ')
        return std::nullopt;
    return line.substr(key.size() + 1);
}

}  // namespace

std::string render_export_marker(const ExportMarker& marker) {
    std::string text(marker_header);
    text += "\napi ";
    text += marker.source_api == RegistryApi::v1 ? "v1" : "v2";
    text += "\nswitched ";
    text += marker.switched ? "yes" : "no";
    text += '\n';
    for (const auto& repository : marker.repositories)
        text += "repository " + repository + "\n";
    return text;
}

Expected<ExportMarker> parse_export_marker(std::string_view text) {
    if (!text.ends_with('\n'))
        return bad_marker("incomplete (no final newline)");
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    if (lines.size() < 3 || lines[0] != marker_header)
        return bad_marker("expected \"" + std::string(marker_header) +
                          "\" and api and switched lines");
    ExportMarker marker;
    const auto api = field(lines[1], "api");
    if (api == "v1") {
        marker.source_api = RegistryApi::v1;
    } else if (api == "v2") {
        marker.source_api = RegistryApi::v2;
    } else {
        return bad_marker("line 2 is not \"api v1\" or \"api v2\"");
    }
    const auto switched = field(lines[2], "switched");
    if (switched != "yes" && switched != "no")
        return bad_marker("line 3 is not \"switched yes\" or \"switched no\"");
    marker.switched = switched == "yes";
    for (std::size_t i = 3; i < lines.size(); ++i) {
        const auto repository = field(lines[i], "repository");
        if (!repository || repository->empty())
            return bad_marker("line " + std::to_string(i + 1) + " is not \"repository NAME\"");
        marker.repositories.emplace_back(*repository);
    }
    return marker;
}

Expected<std::optional<ExportMarker>> read_export_marker(const std::filesystem::path& staging) {
    const auto path = staging / export_marker_name;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::optional<ExportMarker>();
    std::ostringstream text;
    text << in.rdbuf();
    auto marker = parse_export_marker(text.str());
    if (!marker)
        return with_context(marker.error(), path.string());
    return std::optional<ExportMarker>(std::move(*marker));
}

Expected<void> write_export_marker(const std::filesystem::path& staging,
                                   const ExportMarker& marker) {
    return replace_file_atomically(staging / export_marker_name, render_export_marker(marker),
                                   "export marker");
}

std::vector<std::string> exported_repositories(const RunReport& report,
                                               std::string_view layout_host) {
    std::set<std::string> names;
    const std::string prefix = std::string(layout_host) + "/";
    for (const auto& image : report.images) {
        if (image.is_failure() || !image.destination.starts_with(prefix))
            continue;
        const std::string_view rest = std::string_view(image.destination).substr(prefix.size());
        const auto repository = rest.substr(0, rest.find_first_of(":@"));
        if (!repository.empty())
            names.emplace(repository);
    }
    return {names.begin(), names.end()};
}

HostAnswer host_answer(const Expected<RegistryApi>& probe) {
    if (probe)
        return *probe == RegistryApi::v2 ? HostAnswer::v2 : HostAnswer::v1;
    return probe.error().kind == ErrorKind::unsupported ? HostAnswer::other
                                                        : HostAnswer::unreachable;
}

SwitchWatch::SwitchWatch(RegistryApi replaced, bool already_switched)
    : replaced_(replaced), confirmed_(already_switched) {}

bool SwitchWatch::switched(HostAnswer answer) {
    if (answer == HostAnswer::unreachable || answer == HostAnswer::other) {
        went_away_ = true;
        return false;
    }
    if (answer != HostAnswer::v2)
        return false;
    return replaced_ == RegistryApi::v1 || confirmed_ || went_away_;
}

std::string SwitchWatch::waiting_for() const {
    if (replaced_ == RegistryApi::v1 || confirmed_ || went_away_)
        return "to answer the registry v2 API";
    return "to go down and come back as the new registry";
}

MigrationPhase resume_phase(const std::optional<ExportMarker>& marker) {
    if (!marker)
        return MigrationPhase::export_images;
    return marker->switched ? MigrationPhase::import_images : MigrationPhase::switch_registry;
}

ExportFailureHandling export_failure_handling(std::size_t failures, ErrorAction action,
                                              bool prompt) {
    if (failures == 0)
        return ExportFailureHandling::go_on;
    if (action == ErrorAction::skip)
        return ExportFailureHandling::skip_them;
    return prompt ? ExportFailureHandling::ask_operator : ExportFailureHandling::stop;
}

SwitchDeadline::SwitchDeadline(Clock::time_point start, std::chrono::seconds timeout)
    : deadline_(start + timeout), next_note_(start) {}

SwitchDeadline::Step SwitchDeadline::after_probe(Clock::time_point now) {
    if (now >= deadline_)
        return Step::give_up;
    if (now < next_note_)
        return Step::probe_again;
    next_note_ = now + switch_note_interval;
    return Step::note;
}

std::chrono::seconds SwitchDeadline::left(Clock::time_point now) const {
    if (now >= deadline_)
        return std::chrono::seconds(0);
    return std::chrono::duration_cast<std::chrono::seconds>(deadline_ - now);
}

Expected<RegistrySide> staging_side(const std::filesystem::path& staging) {
    auto layout = registry::parse_oci_layout_reference("oci:" + staging.string());
    if (!layout)
        return with_context(layout.error(), "MIGRATION_STAGING_DIR");
    RegistrySide side;
    side.host = layout->to_string();
    return side;
}

SyncPlan import_plan(const std::string& layout_host, const RegistrySide& new_registry,
                     const ExportMarker& marker) {
    SyncPair pair;
    pair.source.host = layout_host;
    pair.destination = new_registry;
    pair.repositories = marker.repositories;
    SyncPlan plan;
    plan.pairs.push_back(std::move(pair));
    return plan;
}

}  // namespace regmigrate::engine
