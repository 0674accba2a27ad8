// regmigrate sync / regmigrate verify — the same plan, copied or checked.
#include "engine/plan/plan_yaml.hpp"
#include "engine/run/sync_job.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_directory.hpp"
#include "registry/layout/oci_layout_reference.hpp"
#include "registry/name/reference.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/plan_run.hpp"
#include "tools/cli/recency_flags.hpp"
#include "tools/cli/run_output.hpp"
#include "tools/cli/side_options.hpp"
#include "tools/cli/terminal.hpp"
#include "tools/cli/watch_loop.hpp"
#include "transport/log.hpp"

#include <filesystem>
#include <memory>
#include <thread>

namespace regmigrate::cli {

namespace {

// Where a run keeps its finished images' records until the report is written: beside the
// report (the same file system as its final name), else the temporary directory.
std::filesystem::path spill_directory(const std::string& report) {
    std::error_code failed;
    if (!report.empty()) {
        const auto absolute = std::filesystem::absolute(report, failed);
        return failed ? std::filesystem::path(".") : absolute.parent_path();
    }
    const auto temporary = std::filesystem::temp_directory_path(failed);
    return failed ? std::filesystem::path("/tmp") : temporary;
}

struct SyncFlags {
    CommonFlags common;
    std::string from;
    std::string to;
    std::vector<std::string> repos;
    std::string tag;
    RecencyFlags recency;
    std::string prefix;
    std::string platform;
    std::string schema1;  // empty: the plan's, else auto
    bool referrers = false;
    std::vector<std::string> referrer_types;
    std::string config;
    std::string shard;
    std::string ecr_endpoint;  // set: --to is an Amazon ECR registry whose API is here
    const CLI::Option* jobs_option = nullptr;  // given: it fixes the transfers in flight
    bool skip_existing = true;
    bool dry_run = false;
    bool prune = false;
    std::string journal;  // empty: the default in the state directory
    bool no_journal = false;
    bool no_preflight = false;
    engine::BreakerSettings breaker;
    double breaker_window_seconds = 30;
    std::string error_action = "skip";
    std::size_t increment = 0;
    std::size_t max_transfers = 0;
    std::size_t image_parallelism = engine::default_image_parallelism;
    std::uint64_t max_inflight_bytes = engine::default_max_inflight_bytes;
    std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::string watch;  // sync --watch INTERVAL; empty: one run
    std::string watch_stall_after = "30m";
};

// --from / --to: a registry host, or oci:DIR, a directory of OCI layouts, one per
// repository (DIR/REPO), which the engine reads or writes instead of a registry.
Expected<engine::RegistrySide> sync_side(const std::string& text, const SideFlags& flags,
                                         const std::string& certs_dir, const char* creds_variable) {
    if (!registry::is_oci_layout_reference(text)) {
        return make_side(registry::normalize_registry_host(text), flags, certs_dir, creds_variable);
    }
    auto layout = registry::parse_oci_layout_reference(text);
    if (!layout)
        return layout.error();
    if (!layout->tag.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          text + ": sync takes oci:DIR, a directory of layouts, without a tag");
    }
    engine::RegistrySide side;
    side.host = layout->to_string();
    return side;
}

Expected<engine::SyncPlan> plan_from_flags(const SyncFlags& flags) {
    if (!flags.config.empty()) {
        if (!flags.from.empty() || !flags.to.empty()) {
            return make_error(ErrorKind::invalid_argument,
                              "--config and --from/--to exclude each other");
        }
        if (!flags.ecr_endpoint.empty()) {
            return make_error(
                ErrorKind::invalid_argument,
                "--ecr-endpoint goes with --to; a plan sets ecr.endpoint per registry");
        }
        if (!flags.common.source.creds_file.empty() ||
            !flags.common.destination.creds_file.empty()) {
            return make_error(ErrorKind::invalid_argument,
                              "--src-creds-file/--dest-creds-file go with --from/--to; a plan "
                              "sets password_env per registry");
        }
        auto plan = engine::load_plan_file(flags.config);
        auto proxy = proxy_flag(flags.common.source);
        if (!plan)
            return plan;
        if (!proxy)
            return proxy.error();
        // --proxy stands for the environment: a registry's own `proxy:` key still wins.
        // --allow-plain-http-credentials adds the consent to every registry of the plan.
        for (auto& pair : plan->pairs) {
            for (auto* side : {&pair.source, &pair.destination}) {
                if (!side->proxy)
                    side->proxy = *proxy;
                if (flags.common.source.allow_plain_http_credentials)
                    side->registry.allow_plain_http_credentials = true;
            }
        }
        return plan;
    }
    if (flags.from.empty() || flags.to.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          "give --from HOST and --to HOST, or --config PLAN.yaml");
    }
    engine::SyncPair pair;
    auto source =
        sync_side(flags.from, flags.common.source, flags.common.certs_dir, "REGMIGRATE_SRC_CREDS");
    if (!source)
        return with_context(source.error(), "--from");
    auto destination = sync_side(flags.to, flags.common.destination, flags.common.certs_dir,
                                 "REGMIGRATE_DEST_CREDS");
    if (!destination)
        return with_context(destination.error(), "--to");
    pair.source = std::move(*source);
    pair.destination = std::move(*destination);
    if (!flags.ecr_endpoint.empty()) {
        pair.destination.ecr = engine::EcrSettings{.endpoint = flags.ecr_endpoint};
    }
    for (const auto& repo : flags.repos) {
        auto pattern = engine::compile_regex(repo, "--repo");
        if (!pattern)
            return pattern.error();
        pair.repository_patterns.push_back(std::move(*pattern));
    }
    if (!flags.tag.empty()) {
        auto pattern = engine::compile_regex(flags.tag, "--tag");
        if (!pattern)
            return pattern.error();
        pair.tags.pattern = std::move(*pattern);
    }
    pair.prefix = flags.prefix;
    if (!flags.platform.empty())
        pair.platform = flags.platform;
    engine::SyncPlan plan;
    plan.pairs.push_back(std::move(pair));
    if (auto valid = engine::validate_plan(plan); !valid)
        return valid.error();
    return plan;
}

int run(SyncFlags& flags, engine::SyncMode mode) {
    configure_logging(flags.common);
    if (auto loaded = load_credential_files(flags.common); !loaded)
        return report_error(loaded.error());
    auto plan = plan_from_flags(flags);
    if (!plan)
        return report_error(plan.error());
    // Given on the command line, --referrers holds for every pair of a plan file too.
    if (flags.referrers || !flags.referrer_types.empty()) {
        for (auto& pair : plan->pairs) {
            pair.referrers.enabled = true;
            pair.referrers.artifact_types = flags.referrer_types;
        }
    }
    // Given on the command line, --prune holds for every pair of a plan file too.
    for (auto& pair : plan->pairs)
        pair.prune = pair.prune || flags.prune;
    // Given on the command line, --schema1 holds for every pair of a plan file too.
    if (!flags.schema1.empty()) {
        auto schema1 = engine::parse_schema1_mode(flags.schema1);
        if (!schema1)
            return report_error(schema1.error());
        for (auto& pair : plan->pairs)
            pair.schema1 = *schema1;
    }
    if (auto recency = apply_recency_flags(flags.recency, *plan); !recency)
        return report_error(recency.error());
    auto action = engine::parse_error_action(flags.error_action);
    if (!action)
        return report_error(action.error());
    CommonFlags common = flags.common;
    if (!flags.shard.empty()) {
        auto shard = engine::parse_shard(flags.shard);
        if (!shard)
            return report_error(shard.error());
        plan->shard = *shard;
        // One Pushgateway group per shard, so the pods' pushes do not replace each other.
        common.pushgateway_grouping["shard"] = std::to_string(shard->index);
    }

    engine::SyncOptions options;
    options.mode = flags.dry_run ? engine::SyncMode::dry_run : mode;
    options.jobs = flags.common.jobs;
    options.threads = flags.threads;
    options.skip_existing = flags.skip_existing;
    options.error_action = *action;
    options.increment = flags.increment;
    options.max_transfers = flags.max_transfers;
    options.image_parallelism = flags.image_parallelism;
    options.max_inflight_bytes = flags.max_inflight_bytes;
    options.stop_on_signals = true;
    options.preflight = preflight_settings(flags.common, flags.no_preflight);
    options.breaker = flags.breaker;
    options.breaker.window =
        std::chrono::milliseconds(static_cast<std::int64_t>(flags.breaker_window_seconds * 1000));
    if (mode == engine::SyncMode::sync && !flags.no_journal) {
        if (!flags.journal.empty()) {
            options.journal = engine::JournalSettings{flags.journal, false};
        } else if (auto private_state = engine::make_private_directory(engine::state_directory());
                   !private_state) {
            // As for a default journal that cannot be opened: the run goes on without it.
            log(LogLevel::warn, "running without a journal: " + private_state.error().message);
        } else {
            options.journal = engine::JournalSettings{
                engine::default_journal_path(engine::journal_plan(*plan)), true};
        }
    }
    options.adaptive_transfers = flags.jobs_option->count() == 0;
    options.spill = engine::SyncOptions::RecordSpillSettings{spill_directory(common.report)};
    if (*action == engine::ErrorAction::prompt) {
        if (has_terminal()) {
            options.ask = ask_error_action;
        } else {
            log(LogLevel::warn,
                "--error-action prompt needs a terminal: failed images are skipped");
        }
    }

    if (!flags.watch.empty()) {
        auto watch = watch_settings(flags.watch, flags.watch_stall_after, flags.dry_run);
        if (!watch)
            return report_error(watch.error());
        return run_watch(*plan, options, common, *watch);
    }
    metrics::Metrics metrics;
    auto server = serve_metrics(flags.common, metrics);
    if (!server)
        return report_error(server.error());
    auto result = run_with_progress(*plan, options, metrics);
    if (!result)
        return report_error(result.error());
    if (options.mode == engine::SyncMode::dry_run) {
        print_dry_run(*result);
        // The plan as a file to review and approve: every image planned, sized after dedupe.
        if (!common.report.empty()) {
            if (auto written = engine::write_report(result->report, common.report); !written)
                return report_error(written.error());
        }
        return result->report.complete() ? exit_ok : exit_failed;
    }
    const int code = finish_run(result->report, common, metrics,
                                mode == engine::SyncMode::verify ? engine::ImageOutcome::matched
                                                                 : engine::ImageOutcome::copied);
    return engine::run_exit_code(code, result->stop_signal);
}

CommandRunner add_plan_command(CLI::App& app, const char* name, const char* description,
                               engine::SyncMode mode) {
    auto flags = std::make_shared<SyncFlags>();
    flags->common.jobs = 32;
    auto* command = app.add_subcommand(name, description);
    command->add_option("--from", flags->from, "source registry HOST[:PORT], or oci:DIR");
    command->add_option("--to", flags->to, "destination registry HOST[:PORT], or oci:DIR");
    command->add_option("--config", flags->config, "a YAML plan (see README: Plan files)");
    command->add_option("--repo", flags->repos,
                        "only repositories matching this regular expression (repeatable)");
    command->add_option("--tag", flags->tag, "only tags matching this regular expression");
    add_recency_flags(*command, flags->recency);
    command->add_option("--prefix", flags->prefix,
                        "destination namespace: NAMESPACE/<source repository>");
    command->add_option("--platform", flags->platform, "OS/ARCH[/VARIANT] of multi-arch images");
    add_referrer_flags(*command, flags->referrers, flags->referrer_types);
    add_schema1_flag(*command, flags->schema1);
    command->add_flag(
        "--skip-existing,!--no-skip-existing", flags->skip_existing,
        "skip tags whose destination digest already equals the source's (default on)");
    command->add_flag(
        "--dry-run", flags->dry_run,
        "print the plan (repositories, tags, images, bytes after dedupe); write nothing "
        "(with --report FILE: the plan as the report, every image planned)");
    if (mode == engine::SyncMode::sync) {
        command->add_flag("--prune", flags->prune,
                          "after the copy, delete destination tags the filters select that the "
                          "source no longer has (with --dry-run: list them)");
    }
    command
        ->add_option("--error-action", flags->error_action,
                     "when an image fails: retry, skip, abort, or prompt (terminal only)")
        ->check(CLI::IsMember({"retry", "skip", "abort", "prompt"}))
        ->capture_default_str();
    command->add_option("--increment", flags->increment,
                        "process the plan in batches of N images, each finished first");
    flags->jobs_option =
        command
            ->add_option("--jobs", flags->common.jobs,
                         "images in flight at once; given, it also fixes the blob transfers in "
                         "flight (otherwise tuned from throughput, latency and 429/503 answers)")
            ->check(CLI::Range(1, 4096))
            ->capture_default_str();
    command->add_option("--threads", flags->threads, "event-loop threads the jobs run on")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    command->add_option("--ecr-endpoint", flags->ecr_endpoint,
                        "--to is Amazon ECR with its API at this URL (ECR hosts need no flag; "
                        "AWS credentials and region as the AWS CLI reads them)");
    command->add_option("--shard", flags->shard,
                        "I/N: only the destination repositories whose stable hash mod N is I");
    command->add_option(
        "--max-transfers", flags->max_transfers,
        "blob transfers in flight at once (default: tuned up to twice --jobs; with --jobs "
        "given, --jobs)");
    add_image_parallelism_flag(*command, flags->image_parallelism, "--max-transfers");
    command
        ->add_option("--max-inflight-bytes", flags->max_inflight_bytes,
                     "bytes of blob transfers in flight at once (a larger blob goes alone)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    command->add_option("--journal", flags->journal,
                        "resume journal (sync): what is recorded done there is not redone "
                        "(default: $XDG_STATE_HOME/regmigrate/<plan>.journal, removed after a "
                        "complete run)");
    command->add_flag("--no-journal", flags->no_journal, "neither resume nor record progress");
    add_preflight_flag(*command, flags->no_preflight);
    command
        ->add_option("--breaker-threshold", flags->breaker.threshold,
                     "stop starting images on a registry after N operations in a row failed "
                     "the same way (refused, DNS, TLS, credentials) over --breaker-window; 0: "
                     "never")
        ->capture_default_str();
    command
        ->add_option("--breaker-window", flags->breaker_window_seconds,
                     "SECONDS those failures must span before the breaker trips, so a "
                     "registry restarting within it is waited for")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    if (mode == engine::SyncMode::sync)
        add_watch_flags(*command, flags->watch, flags->watch_stall_after);
    add_side_flags(*command, flags->common, true);
    add_output_flags(*command, flags->common);
    return [flags, mode] { return run(*flags, mode); };
}

}  // namespace

CommandRunner add_sync_command(CLI::App& app) {
    return add_plan_command(app, "sync", "Migrate every selected repository and tag of a plan",
                            engine::SyncMode::sync);
}

CommandRunner add_verify_command(CLI::App& app) {
    return add_plan_command(app, "verify",
                            "Check that the destination serves every planned tag with the "
                            "source's digest and holds everything it references",
                            engine::SyncMode::verify);
}

}  // namespace regmigrate::cli
