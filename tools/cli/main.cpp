// regmigrate: migrate container images between registries.
#include "tools/cli/commands.hpp"

#include <map>

int main(int argc, char** argv) {
    using namespace regmigrate::cli;
    CLI::App app{"regmigrate: stream container images between registries, digest-preserving"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "regmigrate 0.1.0");
    std::map<std::string, CommandRunner> runners;
    runners["copy"] = add_copy_command(app);
    runners["ls"] = add_ls_command(app);
    runners["sync"] = add_sync_command(app);
    runners["verify"] = add_verify_command(app);
    runners["migrate"] = add_migrate_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? exit_ok : exit_usage;
    }
    for (const auto* command : app.get_subcommands()) {
        return runners.at(command->get_name())();
    }
    return exit_usage;
}
