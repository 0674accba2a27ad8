// Each subcommand registers itself on the app and returns the code to exit with.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace regmigrate::cli {

// Exit codes of DESIGN.md.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;
// A run stopped by a signal exits 128 + its number, as a shell reports it: SIGINT 130,
// SIGTERM 143 (after writing its report and flushing its journal).
inline constexpr int exit_signal_base = 128;

using CommandRunner = std::function<int()>;

CommandRunner add_copy_command(CLI::App& app);
CommandRunner add_ls_command(CLI::App& app);
CommandRunner add_sync_command(CLI::App& app);
CommandRunner add_verify_command(CLI::App& app);
CommandRunner add_migrate_command(CLI::App& app);

}  // namespace regmigrate::cli
