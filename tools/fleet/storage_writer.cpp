#include "tools/fleet/storage_writer.hpp"

#include "tools/fleet/codec.hpp"
#include "tools/fleet/storage_layout.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <system_error>

namespace regmigrate::fleet {

namespace {

constexpr std::size_t kStreamChunk = 1024 * 1024;

// Names temporary files uniquely across the writers of one process; the pid keeps two
// processes filling one storage directory apart.
std::atomic<std::uint64_t> temporary_counter{0};

std::string temporary_suffix() {
    return std::to_string(::getpid()) + "-" + std::to_string(temporary_counter++);
}

Error io_error(const std::string& what, int error_number) {
    return make_error(ErrorKind::io, what + ": " + std::generic_category().message(error_number));
}

std::string parent_of(const std::string& path) {
    return path.substr(0, path.rfind('/'));
}

// Tries the deepest directory first: almost every new file of a fleet lacks only its
// last one or two directories, so this costs one or two mkdir calls, not a walk.
Expected<void> make_directories(const std::string& directory) {
    if (::mkdir(directory.c_str(), 0755) == 0 || errno == EEXIST) {
        return {};
    }
    if (errno != ENOENT || directory.rfind('/') == std::string::npos) {
        return io_error("creating " + directory, errno);
    }
    if (auto parent = make_directories(parent_of(directory)); !parent) {
        return parent;
    }
    if (::mkdir(directory.c_str(), 0755) == 0 || errno == EEXIST) {
        return {};
    }
    return io_error("creating " + directory, errno);
}

class OutputFile {
  public:
    // Creates the directory first: in a fleet's layout nearly every file is the first
    // one in its directory.
    static Expected<OutputFile> create(const std::string& path) {
        if (auto made = make_directories(parent_of(path)); !made) {
            return made.error();
        }
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return io_error("creating " + path, errno);
        }
        return OutputFile(path, fd);
    }

    OutputFile(OutputFile&& other) noexcept
        : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
    OutputFile& operator=(OutputFile&&) = delete;
    ~OutputFile() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    Expected<void> write(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
            if (written < 0 && errno == EINTR) {
                continue;
            }
            if (written < 0) {
                return io_error("writing " + path_, errno);
            }
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
        return {};
    }

    Expected<void> close() {
        const int result = ::close(std::exchange(fd_, -1));
        if (result != 0) {
            return io_error("closing " + path_, errno);
        }
        return {};
    }

  private:
    OutputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

    std::string path_;
    int fd_ = -1;
};

Expected<void> write_file(const std::string& path, std::string_view bytes) {
    auto file = OutputFile::create(path);
    if (!file) {
        return file.error();
    }
    if (auto written = file->write(bytes); !written) {
        return written;
    }
    return file->close();
}

Expected<void> rename_file(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
        return io_error("renaming " + from + " to " + to, errno);
    }
    return {};
}

// Through a temporary name beside the target: a registry reading the directory, or a
// run that dies midway, never sees a half-written blob.
Expected<void> write_file_atomically(const std::string& path, std::string_view bytes) {
    const std::string temporary = path + ".partial-" + temporary_suffix();
    if (auto written = write_file(temporary, bytes); !written) {
        return written;
    }
    return rename_file(temporary, path);
}

Expected<void> check_repository(std::string_view repository) {
    if (!valid_repository_name(repository)) {
        return make_error(ErrorKind::invalid_argument,
                          "not a repository name: '" + std::string(repository) + "'");
    }
    return {};
}

}  // namespace

StorageWriter::StorageWriter(const std::filesystem::path& root) : root_(root.string()) {
    if (!root_.ends_with('/')) {
        root_.push_back('/');
    }
}

std::string StorageWriter::path(std::string_view relative) const {
    return root_ + std::string(relative);
}

Expected<void> StorageWriter::write_link(const std::string& relative,
                                         std::string_view digest) const {
    return write_file(path(relative), digest);
}

Expected<std::string> StorageWriter::push_blob(std::string_view repository,
                                               std::string_view bytes) {
    if (auto valid = check_repository(repository); !valid) {
        return valid.error();
    }
    std::string digest = sha256_digest(bytes);
    const std::string_view hex = sha256_hex(digest).value();
    if (auto written = write_file_atomically(path(blob_data_path(hex)), bytes); !written) {
        return written.error();
    }
    if (auto linked = write_link(layer_link_path(repository, hex), digest); !linked) {
        return linked.error();
    }
    return digest;
}

Expected<std::string> StorageWriter::push_blob_stream(std::string_view repository,
                                                      std::uint64_t size,
                                                      const ByteGenerator& generator) {
    if (auto valid = check_repository(repository); !valid) {
        return valid.error();
    }
    const std::string upload =
        path(upload_directory_path(repository, "fleetgen-" + temporary_suffix()));
    const std::string upload_data = upload + "/data";
    auto file = OutputFile::create(upload_data);
    if (!file) {
        return file.error();
    }
    Sha256 hasher;
    std::string chunk;
    for (std::uint64_t offset = 0; offset < size;) {
        const auto length =
            static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunk, size - offset));
        chunk.resize(length);
        generator(chunk.data(), length);
        hasher.update(chunk);
        if (auto written = file->write(chunk); !written) {
            return written.error();
        }
        offset += length;
    }
    if (auto closed = file->close(); !closed) {
        return closed.error();
    }
    std::string digest = hasher.finish();
    const std::string_view hex = sha256_hex(digest).value();
    const std::string data = path(blob_data_path(hex));
    if (auto made = make_directories(parent_of(data)); !made) {
        return made.error();
    }
    if (auto moved = rename_file(upload_data, data); !moved) {
        return moved.error();
    }
    ::rmdir(upload.c_str());
    if (auto linked = write_link(layer_link_path(repository, hex), digest); !linked) {
        return linked.error();
    }
    return digest;
}

Expected<bool> StorageWriter::mount_blob(std::string_view repository, std::string_view digest,
                                         std::string_view /*from_repository*/) {
    if (auto valid = check_repository(repository); !valid) {
        return valid.error();
    }
    auto hex = sha256_hex(digest);
    if (!hex) {
        return hex.error();
    }
    // One blob store serves every repository: a mount is only the repository's link.
    if (::access(path(blob_data_path(*hex)).c_str(), F_OK) != 0) {
        return false;
    }
    if (auto linked = write_link(layer_link_path(repository, *hex), digest); !linked) {
        return linked.error();
    }
    return true;
}

Expected<std::string> StorageWriter::push_manifest(std::string_view repository,
                                                   std::string_view reference,
                                                   std::string_view /*media_type*/,
                                                   std::string_view bytes) {
    // The registry reads a stored manifest's media type from its own "mediaType" field,
    // so the type travels inside the bytes.
    if (auto valid = check_repository(repository); !valid) {
        return valid.error();
    }
    std::string digest = sha256_digest(bytes);
    const bool by_digest = reference.starts_with("sha256:");
    if (by_digest && reference != digest) {
        return make_error(ErrorKind::digest_mismatch,
                          "manifest pushed as " + std::string(reference) + " hashes to " + digest);
    }
    if (!by_digest && !valid_tag(reference)) {
        return make_error(ErrorKind::invalid_argument,
                          "not a tag: '" + std::string(reference) + "'");
    }
    const std::string_view hex = sha256_hex(digest).value();
    if (auto written = write_file_atomically(path(blob_data_path(hex)), bytes); !written) {
        return written.error();
    }
    if (auto linked = write_link(revision_link_path(repository, hex), digest); !linked) {
        return linked.error();
    }
    if (!by_digest) {
        if (auto current = write_link(tag_current_link_path(repository, reference), digest);
            !current) {
            return current.error();
        }
        if (auto indexed = write_link(tag_index_link_path(repository, reference, hex), digest);
            !indexed) {
            return indexed.error();
        }
    }
    return digest;
}

}  // namespace regmigrate::fleet
