// regmigrate ls HOST[/REPO]
#include "engine/run/list_job.hpp"
#include "registry/name/reference.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/run_output.hpp"
#include "tools/cli/side_options.hpp"

#include <cstdio>
#include <memory>

namespace regmigrate::cli {

namespace {

struct LsFlags {
    CommonFlags common;
    std::string target;
};

int run(LsFlags& flags) {
    configure_logging(flags.common);
    if (auto loaded = load_credential_files(flags.common); !loaded)
        return report_error(loaded.error());
    std::string host = flags.target;
    std::optional<std::string> repository;
    if (flags.target.find('/') != std::string::npos) {
        auto reference = registry::parse_reference(flags.target);
        if (!reference)
            return report_error(reference.error());
        if (!reference->identifier().empty()) {
            return report_error(
                make_error(ErrorKind::invalid_argument,
                           "ls takes HOST or HOST/REPO, not a tag or digest: " + flags.target));
        }
        host = reference->registry;
        repository = reference->repository;
    } else {
        host = registry::normalize_registry_host(host);
    }
    auto side =
        make_side(host, flags.common.source, flags.common.certs_dir, "REGMIGRATE_SRC_CREDS");
    if (!side)
        return report_error(side.error());
    auto names = engine::run_listing(*side, repository);
    if (!names)
        return report_error(names.error());
    for (const auto& name : *names)
        std::printf("%s\n", name.c_str());
    return exit_ok;
}

}  // namespace

CommandRunner add_ls_command(CLI::App& app) {
    auto flags = std::make_shared<LsFlags>();
    auto* command = app.add_subcommand("ls",
                                       "List the repositories of a registry, or the tags "
                                       "of one repository");
    command->add_option("TARGET", flags->target, "HOST[:PORT] or HOST[:PORT]/REPO")->required();
    add_side_flags(*command, flags->common, false);
    command->add_option("--log-format", flags->common.log_format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    return [flags] { return run(*flags); };
}

}  // namespace regmigrate::cli
