#include "engine/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace regmigrate::engine {

Expected<void> replace_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                       std::string_view what) {
    const auto failed = [&](const char* step) {
        return make_error(ErrorKind::io, "cannot " + std::string(step) + " " + std::string(what) +
                                             " \"" + path.string() + "\": " + std::strerror(errno));
    };
    const std::string temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return failed("create");
    std::string_view rest = contents;
    while (!rest.empty()) {
        const ssize_t written = ::write(fd, rest.data(), rest.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            auto error = failed("write");
            ::close(fd);
            std::remove(temporary.c_str());
            return error;
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(temporary.c_str(), path.c_str()) != 0) {
        auto error = failed(synced ? "rename" : "sync");
        std::remove(temporary.c_str());
        return error;
    }
    return {};
}

}  // namespace regmigrate::engine
