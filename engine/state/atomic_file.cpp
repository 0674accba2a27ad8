#include "engine/state/atomic_file.hpp"

#include "engine/state/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace regmigrate::engine {

namespace {

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }
    bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

  private:
    int fd_;
};

// Flushes the directory entry of a rename. Some file systems cannot sync a directory
// (EINVAL): the rename stands there as well as they allow.
bool sync_directory(const std::filesystem::path& directory) {
    const std::string name = directory.empty() ? "." : directory.string();
    FileDescriptor fd(::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0)
        return false;
    return ::fsync(fd.get()) == 0 || errno == EINVAL;
}

}  // namespace

std::filesystem::path atomic_temporary_path(const std::filesystem::path& path) {
    std::filesystem::path temporary = path;
    temporary += "." + std::to_string(::getpid()) + ".tmp";
    return temporary;
}

Expected<void> replace_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                       std::string_view what) {
    return replace_file_atomically(
        path, [contents](int fd) { return write_all(fd, contents); }, what);
}

Expected<void> replace_file_atomically(const std::filesystem::path& path,
                                       const std::function<bool(int fd)>& write_contents,
                                       std::string_view what) {
    const auto temporary = atomic_temporary_path(path);
    const auto failed = [&](const std::string& step) {
        return make_error(ErrorKind::io, "cannot " + step + " " + std::string(what) + " \"" +
                                             path.string() + "\": " + std::strerror(errno));
    };
    FileDescriptor fd(::open(temporary.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                             private_file_mode));
    if (fd.get() < 0) {
        if (errno != EEXIST)
            return failed("create");
        // Not ours to remove or follow: whatever is there (a stale file, a symlink) stays.
        return make_error(ErrorKind::io, "cannot write " + std::string(what) + " \"" +
                                             path.string() + "\": \"" + temporary.string() +
                                             "\" already exists (a file or symlink we did "
                                             "not create); remove it and run again");
    }
    const auto abandon = [&](const std::string& step) {
        auto error = failed(step);
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return error;
    };
    if (!write_contents(fd.get()))
        return abandon("write");
    if (::fsync(fd.get()) != 0)
        return abandon("sync");
    if (!fd.close())
        return abandon("close");
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        return abandon("rename");
    if (!sync_directory(path.parent_path()))
        return failed("sync the directory of");
    return {};
}

}  // namespace regmigrate::engine
