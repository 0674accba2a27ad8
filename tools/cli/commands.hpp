// Each subcommand registers itself on the app and returns the code to exit with.
#pragma once

#include "engine/run/exit_code.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace regmigrate::cli {

// Exit codes of DESIGN.md (engine/run/exit_code.hpp).
using engine::exit_failed;
using engine::exit_ok;
using engine::exit_usage;

using CommandRunner = std::function<int()>;

CommandRunner add_copy_command(CLI::App& app);
CommandRunner add_ls_command(CLI::App& app);
CommandRunner add_sync_command(CLI::App& app);
CommandRunner add_verify_command(CLI::App& app);
CommandRunner add_migrate_command(CLI::App& app);

}  // namespace regmigrate::cli
