#include "engine/state_directory.hpp"

#include <cstdlib>

namespace regmigrate::engine {

std::optional<std::string> process_environment(std::string_view name) {
    if (const char* value = std::getenv(std::string(name).c_str()))
        return std::string(value);
    return std::nullopt;
}

std::filesystem::path state_directory(const EnvLookup& env) {
    const auto set = [&](std::string_view name) {
        auto value = env(name);
        return value && !value->empty() ? value : std::nullopt;
    };
    std::filesystem::path base;
    if (const auto xdg = set("XDG_STATE_HOME")) {
        base = *xdg;
    } else if (const auto home = set("HOME")) {
        base = std::filesystem::path(*home) / ".local" / "state";
    } else {
        base = std::filesystem::temp_directory_path();
    }
    return base / "regmigrate";
}

}  // namespace regmigrate::engine
