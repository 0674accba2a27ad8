// regmigrate copy SRC DST
#include "engine/run/copy_job.hpp"
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
    std::string schema1 = "auto";
    bool referrers = false;
    std::vector<std::string> referrer_types;
    bool no_preflight = false;
    bool skip_existing = false;
    std::size_t image_parallelism = engine::default_image_parallelism;
};

// SRC or DST: an oci:DIR[:TAG] layout, or a registry reference and the side to reach it.
Expected<void> parse_end(const std::string& text, const SideFlags& side_flags,
                         const std::string& certs_dir, const char* creds_variable,
                         registry::Reference& reference,
                         std::optional<registry::OciLayoutReference>& layout,
                         engine::RegistrySide& side) {
    if (registry::is_oci_layout_reference(text)) {
        auto parsed = registry::parse_oci_layout_reference(text);
        if (!parsed)
            return parsed.error();
        layout = std::move(*parsed);
        return {};
    }
    auto parsed = registry::parse_reference(text);
    if (!parsed)
        return parsed.error();
    reference = std::move(*parsed);
    auto made = make_side(reference.registry, side_flags, certs_dir, creds_variable);
    if (!made)
        return with_context(made.error(), "options");
    side = std::move(*made);
    return {};
}

int run(CopyFlags& flags) {
    configure_logging(flags.common);
    if (auto loaded = load_credential_files(flags.common); !loaded)
        return report_error(loaded.error());
    engine::CopyJob job;
    auto source = parse_end(flags.source, flags.common.source, flags.common.certs_dir,
                            "REGMIGRATE_SRC_CREDS", job.source, job.source_layout, job.source_side);
    if (!source)
        return report_error(with_context(source.error(), "SRC"));
    auto destination = parse_end(flags.destination, flags.common.destination,
                                 flags.common.certs_dir, "REGMIGRATE_DEST_CREDS", job.destination,
                                 job.destination_layout, job.destination_side);
    if (!destination)
        return report_error(with_context(destination.error(), "DST"));
    job.jobs = flags.common.jobs;
    if (!flags.platform.empty())
        job.copy.platform = flags.platform;
    auto schema1 = engine::parse_schema1_mode(flags.schema1);
    if (!schema1)
        return report_error(schema1.error());
    job.copy.schema1 = *schema1;
    job.copy.image_parallelism = flags.image_parallelism;
    job.referrers.enabled = flags.referrers || !flags.referrer_types.empty();
    job.referrers.artifact_types = flags.referrer_types;
    job.preflight = preflight_settings(flags.common, flags.no_preflight);
    job.skip_existing = flags.skip_existing;

    metrics::Metrics metrics;
    auto server = serve_metrics(flags.common, metrics);
    if (!server)
        return report_error(server.error());
    auto report = engine::run_copy(job, metrics);
    if (!report)
        return report_error(report.error());
    return finish_run(*report, flags.common, metrics, engine::ImageOutcome::copied);
}

}  // namespace

CommandRunner add_copy_command(CLI::App& app) {
    auto flags = std::make_shared<CopyFlags>();
    auto* command = app.add_subcommand(
        "copy", "Copy one image, or every tag of a repository, between registries");
    command
        ->add_option("SRC", flags->source,
                     "HOST[:PORT]/REPO[:TAG|@DIGEST] or oci:DIR[:TAG]; no tag: all tags")
        ->required();
    command->add_option("DST", flags->destination, "HOST[:PORT]/REPO[:TAG] or oci:DIR[:TAG]")
        ->required();
    command->add_option("--jobs", flags->common.jobs, "images copied at once")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    add_image_parallelism_flag(*command, flags->image_parallelism, "--jobs");
    command->add_option("--platform", flags->platform,
                        "OS/ARCH[/VARIANT]: copy only this platform of a multi-arch image");
    add_referrer_flags(*command, flags->referrers, flags->referrer_types);
    add_schema1_flag(*command, flags->schema1);
    command->add_flag("--skip-existing,!--no-skip-existing", flags->skip_existing,
                      "skip an image the destination already serves under the same digest; "
                      "write nothing for it (default off)");
    add_preflight_flag(*command, flags->no_preflight);
    add_side_flags(*command, flags->common, true);
    add_output_flags(*command, flags->common);
    return [flags] { return run(*flags); };
}

}  // namespace regmigrate::cli
