// Where regmigrate keeps what outlives a run (journals, the staging copy of a same-host
// migration): $XDG_STATE_HOME/regmigrate, else ~/.local/state/regmigrate, else the
// temporary directory. Read through a lookup, so the rule is testable without touching
// the process environment.
#pragma once

#include "transport/error.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

// The value of an environment variable, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv).
std::optional<std::string> process_environment(std::string_view name);

std::filesystem::path state_directory(const EnvLookup& env = process_environment);

// Makes `directory` ready to hold regmigrate's private state (its parents created as
// needed): created 0700 when absent; refused when it is a symlink, not a directory, or
// another user's (the temporary-directory fallback is shared, and a planted
// /tmp/regmigrate must not receive our journals); one of ours with looser permissions is
// narrowed to 0700.
Expected<void> make_private_directory(const std::filesystem::path& directory);

}  // namespace regmigrate::engine
