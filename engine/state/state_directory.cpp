#include "engine/state/state_directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

Expected<void> make_private_directory(const std::filesystem::path& directory) {
    const auto refuse = [&](const std::string& why) {
        return make_error(ErrorKind::io, "state directory " + directory.string() + ": " + why);
    };
    std::error_code made;
    if (directory.has_parent_path())
        std::filesystem::create_directories(directory.parent_path(), made);
    if (made)
        return refuse(made.message());
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
        return refuse(std::strerror(errno));
    // O_NOFOLLOW: a symlink planted at the name fails here instead of being entered.
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return refuse(errno == ELOOP || errno == ENOTDIR ? "is a symlink or not a directory"
                                                         : std::strerror(errno));
    }
    struct stat status {};
    std::string fault;
    if (::fstat(fd, &status) != 0) {
        fault = std::strerror(errno);
    } else if (status.st_uid != ::geteuid()) {
        fault = "belongs to another user (uid " + std::to_string(status.st_uid) + ")";
    } else if ((status.st_mode & 077) != 0 && ::fchmod(fd, 0700) != 0) {
        fault = std::string("cannot make it private: ") + std::strerror(errno);
    }
    ::close(fd);
    if (!fault.empty())
        return refuse(fault);
    return {};
}

}  // namespace regmigrate::engine
