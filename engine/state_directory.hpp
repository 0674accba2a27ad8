// Where regmigrate keeps what outlives a run (journals, the staging copy of a same-host
// migration): $XDG_STATE_HOME/regmigrate, else ~/.local/state/regmigrate, else the
// temporary directory. Read through a lookup, so the rule is testable without touching
// the process environment.
#pragma once

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

}  // namespace regmigrate::engine
