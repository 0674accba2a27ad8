// regmigrate copy SRC DST
#include "engine/copy_job.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run_output.hpp"
#include "tools/cli/side_options.hpp"

#include <memory>

namespace regmigrate::cli {

namespace {

struct CopyFlags {
    CommonFlags common;
    std::string source;
    std::string destination;
    std::string platform;
};

int run(const CopyFlags& flags) {
    configure_logging(flags.common);
    engine::CopyJob job;
    auto source = registry::parse_reference(flags.source);
    if (!source) return report_error(with_context(source.error(), "SRC"));
    auto destination = registry::parse_reference(flags.destination);
    if (!destination) return report_error(with_context(destination.error(), "DST"));
    job.source = std::move(*source);
    job.destination = std::move(*destination);
    auto source_side = make_side(job.source.registry, flags.common.source, flags.common.certs_dir,
                                 "REGMIGRATE_SRC_CREDS");
    if (!source_side) return report_error(with_context(source_side.error(), "--src options"));
    auto destination_side = make_side(job.destination.registry, flags.common.destination,
                                      flags.common.certs_dir, "REGMIGRATE_DEST_CREDS");
    if (!destination_side) {
        return report_error(with_context(destination_side.error(), "--dest options"));
    }
    job.source_side = std::move(*source_side);
    job.destination_side = std::move(*destination_side);
    job.jobs = flags.common.jobs;
    if (!flags.platform.empty()) job.copy.platform = flags.platform;
    job.copy.same_registry = job.source.registry == job.destination.registry;

    metrics::Metrics metrics;
    auto server = serve_metrics(flags.common, metrics);
    if (!server) return report_error(server.error());
    auto report = engine::run_copy(job, metrics);
    if (!report) return report_error(report.error());
    return finish_run(*report, flags.common, metrics, "copied");
}

}  // namespace

CommandRunner add_copy_command(CLI::App& app) {
    auto flags = std::make_shared<CopyFlags>();
    auto* command = app.add_subcommand(
        "copy", "Copy one image, or every tag of a repository, between registries");
    command->add_option("SRC", flags->source, "HOST[:PORT]/REPO[:TAG|@DIGEST]; no tag: all tags")
        ->required();
    command->add_option("DST", flags->destination, "HOST[:PORT]/REPO[:TAG]")->required();
    command->add_option("--jobs", flags->common.jobs, "images copied at once")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    command->add_option("--platform", flags->platform,
                        "OS/ARCH[/VARIANT]: copy only this platform of a multi-arch image");
    add_side_flags(*command, flags->common, true);
    add_output_flags(*command, flags->common);
    return [flags] { return run(*flags); };
}

}  // namespace regmigrate::cli
