// regmigrate migrate — the docker/migrator's environment variables over the sync engine.
#include "engine/plan/migrator_env.hpp"
#include "engine/run/migration.hpp"
#include "registry/ecr/ecr_api.hpp"
#include "registry/name/reference.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/plan_run.hpp"
#include "tools/cli/run_output.hpp"
#include "tools/cli/side_options.hpp"
#include "tools/cli/terminal.hpp"
#include "transport/log.hpp"

#include <algorithm>
#include <memory>
#include <thread>

namespace regmigrate::cli {

namespace {

struct MigrateFlags {
    CommonFlags common;
    const CLI::Option* jobs_option = nullptr;  // given: it fixes the transfers in flight
    std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    bool no_preflight = false;
};

Error usage(std::string message) {
    return make_error(ErrorKind::invalid_argument, std::move(message));
}

// User and password asked on the terminal, the password not echoed. An empty user keeps
// whatever make_side found (docker's config.json), as does a closed stdin.
std::optional<registry::Credentials> ask_login(const std::string& host) {
    const auto user =
        read_answer("Username for " + host + " (empty: docker's configuration): ", true);
    if (!user || user->empty())
        return std::nullopt;
    const auto password = read_answer("Password for " + *user + "@" + host + ": ", false);
    if (!password)
        return std::nullopt;
    return registry::Credentials{*user, *password};
}

// The side with docker's conventions (make_side), then the migrator's login: Vn_USERNAME,
// Vn_PASSWORD and Vn_EMAIL, else asked on a terminal, else docker's configuration stays.
Expected<engine::RegistrySide> side_for(const engine::MigratorSide& wanted, std::string_view label,
                                        const std::string& certs_dir, const char* creds_variable) {
    SideFlags flags;
    flags.allow_plain_http_credentials = wanted.allow_plain_http_credentials;
    if (wanted.tls != transport::TlsMode::automatic)
        flags.tls = transport::to_string(wanted.tls);
    auto side =
        make_side(registry::normalize_registry_host(wanted.host), flags, certs_dir, creds_variable);
    if (!side)
        return with_context(side.error(), std::string(label) + "_REGISTRY");
    if (!wanted.login)
        return side;
    if (wanted.credentials) {
        side->credentials = *wanted.credentials;
    } else if (has_terminal()) {
        if (auto asked = ask_login(wanted.host))
            side->credentials = std::move(*asked);
    }
    return side;
}

struct MigrateSides {
    engine::RegistrySide source;
    engine::RegistrySide destination;
};

Expected<MigrateSides> sides_for(const engine::MigratorSettings& settings,
                                 const std::string& certs_dir) {
    auto source = side_for(settings.source, "V1", certs_dir, "REGMIGRATE_SRC_CREDS");
    if (!source)
        return source.error();
    // An ECR destination logs in with the AWS keys when the run starts: no password to ask.
    engine::MigratorSide wanted_destination = settings.destination;
    if (registry::is_ecr_host(wanted_destination.host))
        wanted_destination.login = false;
    auto destination = side_for(wanted_destination, "V2", certs_dir, "REGMIGRATE_DEST_CREDS");
    if (!destination)
        return destination.error();
    return MigrateSides{std::move(*source), std::move(*destination)};
}

// The terminal and the progress line, lent to the engine's migration.
engine::MigrationFrontend terminal_frontend(metrics::Metrics& metrics, const CommonFlags& common,
                                            std::unique_ptr<metrics::MetricsServer>& server) {
    engine::MigrationFrontend frontend;
    frontend.run = [&metrics](const engine::SyncPlan& plan, const engine::SyncOptions& options) {
        return run_with_progress(plan, options, metrics);
    };
    frontend.confirm_plan = confirm_plan;
    frontend.confirm = confirm;
    frontend.wait_for_enter = [](std::string_view prompt) {
        return read_answer(prompt, true).has_value();
    };
    frontend.serve_metrics = [&]() -> Expected<void> {
        auto served = serve_metrics(common, metrics);
        if (!served)
            return served.error();
        server = std::move(*served);
        return {};
    };
    return frontend;
}

int run(const MigrateFlags& flags) {
    configure_logging(flags.common);
    auto settings = engine::parse_migrator_env(engine::process_environment);
    if (!settings)
        return report_error(settings.error());
    if (settings->user_prompt && !has_terminal()) {
        return report_error(
            usage("USER_PROMPT=true asks for confirmation on a terminal and there is none: set "
                  "USER_PROMPT=false to migrate unattended"));
    }
    auto sides = sides_for(*settings, flags.common.certs_dir);
    if (!sides)
        return report_error(sides.error());

    auto options = engine::migrator_sync_options(
        *settings, engine::MigratorFlags{.jobs = flags.common.jobs,
                                         .jobs_given = flags.jobs_option->count() != 0,
                                         .threads = flags.threads,
                                         .certs_dir = flags.common.certs_dir,
                                         .no_preflight = flags.no_preflight});
    if (options.error_action == engine::ErrorAction::prompt) {
        if (has_terminal()) {
            options.ask = ask_error_action;
        } else {
            log(LogLevel::warn, "ERROR_ACTION=prompt needs a terminal: failed images are skipped");
            options.error_action = engine::effective_error_action(options.error_action, false);
        }
    }

    metrics::Metrics metrics;
    std::unique_ptr<metrics::MetricsServer> server;
    const auto outcome =
        engine::run_migration(*settings, std::move(sides->source), std::move(sides->destination),
                              options, terminal_frontend(metrics, flags.common, server));
    if (outcome.end == engine::MigrationEnd::failed)
        return report_error(outcome.error);
    // Only a finished run has a summary and a report to write.
    const int finish_code =
        outcome.end == engine::MigrationEnd::finished
            ? finish_run(outcome.report, flags.common, metrics, engine::ImageOutcome::copied)
            : exit_ok;
    return engine::migration_exit_code(outcome, finish_code);
}

// The --help footer: every variable with its default.
std::string variables_help() {
    std::string text = "Environment (docker/migrator's variables; booleans: true or false):\n";
    for (const auto& variable : engine::migrator_variables()) {
        text += "  " + std::string(variable.name) +
                " [default: " + std::string(variable.default_value) + "]\n      " +
                std::string(variable.meaning) + "\n";
    }
    return text;
}

}  // namespace

CommandRunner add_migrate_command(CLI::App& app) {
    auto flags = std::make_shared<MigrateFlags>();
    flags->common.jobs = 32;
    auto* command = app.add_subcommand(
        "migrate", "Migrate as docker/migrator did, configured by its environment variables");
    command->footer(variables_help());
    flags->jobs_option =
        command
            ->add_option("--jobs", flags->common.jobs,
                         "images in flight at once; given, it also fixes the blob transfers in "
                         "flight (otherwise tuned as the run goes)")
            ->check(CLI::Range(1, 4096))
            ->capture_default_str();
    command->add_option("--threads", flags->threads, "event-loop threads the jobs run on")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    command
        ->add_option("--certs-dir", flags->common.certs_dir,
                     "per-registry certificates: DIR/HOST[:PORT]/{*.crt,*.cert,*.key}")
        ->capture_default_str();
    add_preflight_flag(*command, flags->no_preflight);
    add_output_flags(*command, flags->common);
    return [flags] { return run(*flags); };
}

}  // namespace regmigrate::cli
