#include "engine/layout/oci_layout_store.hpp"

#include "engine/state/file_io.hpp"
#include "registry/content/sha256.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

constexpr const char* index_name = "index.json";
constexpr const char* marker_name = "oci-layout";
constexpr std::size_t max_index_bytes = 64 * 1024 * 1024;
constexpr std::size_t copy_buffer_bytes = 256 * 1024;

Error io_error(const std::string& what) {
    return make_error(ErrorKind::io, what + ": " + std::strerror(errno));
}

// The file name of a digest: its 64 lowercase hex, refused in any other form.
Expected<std::string> blob_name(std::string_view digest) {
    constexpr std::string_view prefix = "sha256:";
    const std::string_view hex = digest.substr(std::min(digest.size(), prefix.size()));
    const bool valid = digest.starts_with(prefix) && hex.size() == 64 &&
                       hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (!valid) {
        return make_error(ErrorKind::unsupported,
                          "\"" + std::string(digest) + "\" is not a sha256 digest");
    }
    return std::string(hex);
}

std::string temporary_name(std::string_view name) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string suffix(16, '0');
    for (auto& c : suffix)
        c = digits[random() % 16];
    return std::string(name) + ".tmp-" + suffix;
}

Expected<UniqueFd> open_directory_at(int parent, const char* name, bool create,
                                     const std::filesystem::path& shown) {
    if (create && ::mkdirat(parent, name, 0755) != 0 && errno != EEXIST)
        return io_error("cannot create " + shown.string());
    UniqueFd fd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return io_error("cannot open directory " + shown.string());
    return fd;
}

// A temporary file of a directory: removed unless committed under its final name.
class TemporaryFile {
  public:
    TemporaryFile(int directory, std::string final_name)
        : directory_(directory), final_(std::move(final_name)), name_(temporary_name(final_)) {}
    ~TemporaryFile() {
        if (file_ || !committed_)
            ::unlinkat(directory_, name_.c_str(), 0);
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    Expected<void> create() {
        file_ = UniqueFd(::openat(directory_, name_.c_str(),
                                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!file_)
            return io_error("cannot create " + name_);
        return {};
    }
    Expected<void> write(const char* data, std::size_t size) {
        if (!write_all(file_.get(), std::string_view(data, size)))
            return io_error("write failed");
        return {};
    }
    // Durable first, then visible under its name: readers never see a partial file.
    Expected<void> commit() {
        if (::fsync(file_.get()) != 0)
            return io_error("cannot sync " + name_);
        file_ = UniqueFd();
        if (::renameat(directory_, name_.c_str(), directory_, final_.c_str()) != 0)
            return io_error("cannot rename " + name_);
        committed_ = true;
        ::fsync(directory_);
        return {};
    }

  private:
    int directory_;
    std::string final_;
    std::string name_;
    UniqueFd file_;
    bool committed_ = false;
};

Expected<void> write_file_atomically(int directory, const std::string& name,
                                     std::string_view content) {
    TemporaryFile file(directory, name);
    if (auto created = file.create(); !created)
        return created;
    if (auto written = file.write(content.data(), content.size()); !written)
        return written;
    return file.commit();
}

Expected<std::string> read_file(int fd, std::size_t max_bytes, const std::string& shown) {
    std::string content;
    std::array<char, 64 * 1024> buffer;
    for (;;) {
        const ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return io_error("cannot read " + shown);
        if (got == 0)
            return content;
        content.append(buffer.data(), static_cast<std::size_t>(got));
        if (content.size() > max_bytes)
            return make_error(ErrorKind::too_large, shown + " is larger than expected");
    }
}

Expected<std::string> read_file_at(int directory, const char* name, std::size_t max_bytes,
                                   const std::string& shown) {
    UniqueFd fd(::openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return io_error("cannot open " + shown);
    return read_file(fd.get(), max_bytes, shown);
}

bool is_layout_directory(const std::filesystem::path& directory) {
    std::error_code ignored;
    return std::filesystem::is_regular_file(
        std::filesystem::symlink_status(directory / marker_name, ignored));
}

Error digest_mismatch(std::string_view digest, const std::string& actual) {
    return make_error(ErrorKind::digest_mismatch,
                      "blob " + std::string(digest) + " content hashes to " + actual);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0)
        ::close(fd_);
}

asio::awaitable<Expected<std::size_t>> OciLayoutBlobReader::read(asio::mutable_buffer buffer) {
    for (;;) {
        const ssize_t got = ::read(file_.get(), buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            co_return io_error("cannot read layout blob");
        co_return static_cast<std::size_t>(got);
    }
}

OciLayoutStore::OciLayoutStore(std::filesystem::path directory, UniqueFd root, UniqueFd blobs)
    : directory_(std::move(directory)), root_(std::move(root)), blobs_(std::move(blobs)) {}

Expected<std::unique_ptr<OciLayoutStore>> OciLayoutStore::open(
    const std::filesystem::path& directory, bool create) {
    std::error_code ignored;
    if (create)
        std::filesystem::create_directories(directory, ignored);
    UniqueFd root(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        return io_error("cannot open OCI layout " + directory.string());
    struct stat info;
    const bool is_layout = ::fstatat(root.get(), marker_name, &info, AT_SYMLINK_NOFOLLOW) == 0;
    if (!is_layout && !create) {
        return make_error(ErrorKind::not_found,
                          directory.string() + " is not an OCI layout (it has no oci-layout)");
    }
    if (is_layout) {
        auto marker =
            read_file_at(root.get(), marker_name, 4096, (directory / marker_name).string());
        if (!marker)
            return marker.error();
        if (auto checked = registry::check_oci_layout_marker(*marker); !checked)
            return with_context(checked.error(), directory.string());
    }
    auto blobs_dir = open_directory_at(root.get(), "blobs", create, directory / "blobs");
    if (!blobs_dir)
        return blobs_dir.error();
    auto sha256_dir =
        open_directory_at(blobs_dir->get(), "sha256", create, directory / "blobs" / "sha256");
    if (!sha256_dir)
        return sha256_dir.error();
    std::unique_ptr<OciLayoutStore> store(
        new OciLayoutStore(directory, std::move(root), std::move(*sha256_dir)));
    if (!is_layout) {
        if (::fstatat(store->root_.get(), index_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
            auto empty = write_file_atomically(store->root_.get(), index_name,
                                               registry::serialize_oci_layout_index({}));
            if (!empty)
                return empty.error();
        }
        // The marker last: a directory that has it is a complete layout.
        auto written =
            write_file_atomically(store->root_.get(), marker_name, registry::oci_layout_marker());
        if (!written)
            return written.error();
    }
    return store;
}

Expected<std::optional<std::uint64_t>> OciLayoutStore::blob_size(std::string_view digest) const {
    auto name = blob_name(digest);
    if (!name)
        return name.error();
    struct stat info;
    if (::fstatat(blobs_.get(), name->c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return std::optional<std::uint64_t>();
        return io_error("cannot stat blob " + std::string(digest));
    }
    if (!S_ISREG(info.st_mode)) {
        return make_error(ErrorKind::io,
                          "blob " + std::string(digest) + " is not a regular file in the layout");
    }
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(info.st_size));
}

asio::awaitable<Expected<std::uint64_t>> OciLayoutStore::write_blob(std::string_view digest,
                                                                    std::uint64_t size,
                                                                    transport::BodySource& body) {
    auto name = blob_name(digest);
    if (!name)
        co_return name.error();
    auto present = blob_size(digest);
    if (!present)
        co_return present.error();
    if (*present && **present == size)
        co_return std::uint64_t{0};
    TemporaryFile file(blobs_.get(), *name);
    if (auto created = file.create(); !created)
        co_return created.error();
    registry::Sha256 hash;
    std::vector<char> buffer(copy_buffer_bytes);
    std::uint64_t written = 0;
    for (;;) {
        auto got = co_await body.read(asio::buffer(buffer));
        if (!got)
            co_return got.error();
        if (*got == 0)
            break;
        written += *got;
        if (written > size) {
            co_return make_error(ErrorKind::digest_mismatch, "blob " + std::string(digest) +
                                                                 " is longer than its " +
                                                                 std::to_string(size) + " bytes");
        }
        hash.update(buffer.data(), *got);
        if (auto stored = file.write(buffer.data(), *got); !stored)
            co_return stored.error();
    }
    if (written != size) {
        co_return make_error(ErrorKind::digest_mismatch, "blob " + std::string(digest) +
                                                             " ended after " +
                                                             std::to_string(written) + " of " +
                                                             std::to_string(size) + " bytes");
    }
    if (const auto actual = hash.finish_digest(); actual != digest)
        co_return digest_mismatch(digest, actual);
    if (auto committed = file.commit(); !committed)
        co_return committed.error();
    co_return written;
}

Expected<std::uint64_t> OciLayoutStore::write_bytes(std::string_view digest,
                                                    std::string_view bytes) {
    auto name = blob_name(digest);
    if (!name)
        return name.error();
    if (const auto actual = registry::sha256_digest(bytes); actual != digest)
        return digest_mismatch(digest, actual);
    auto present = blob_size(digest);
    if (!present)
        return present.error();
    if (*present && **present == bytes.size())
        return std::uint64_t{0};
    if (auto written = write_file_atomically(blobs_.get(), *name, bytes); !written)
        return written.error();
    return static_cast<std::uint64_t>(bytes.size());
}

Expected<UniqueFd> OciLayoutStore::open_blob_file(std::string_view digest) const {
    auto name = blob_name(digest);
    if (!name)
        return name.error();
    UniqueFd fd(::openat(blobs_.get(), name->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) {
            return make_error(ErrorKind::not_found, "blob " + std::string(digest) +
                                                        " missing from " + directory_.string());
        }
        return io_error("cannot open blob " + std::string(digest));
    }
    return fd;
}

Expected<std::unique_ptr<OciLayoutBlobReader>> OciLayoutStore::open_blob(
    std::string_view digest) const {
    auto fd = open_blob_file(digest);
    if (!fd)
        return fd.error();
    struct stat info;
    if (::fstat(fd->get(), &info) != 0 || !S_ISREG(info.st_mode))
        return make_error(ErrorKind::io, "blob " + std::string(digest) + " is not a regular file");
    return std::make_unique<OciLayoutBlobReader>(std::move(*fd),
                                                 static_cast<std::uint64_t>(info.st_size));
}

Expected<std::string> OciLayoutStore::read_bytes(std::string_view digest,
                                                 std::size_t max_bytes) const {
    auto fd = open_blob_file(digest);
    if (!fd)
        return fd.error();
    auto content = read_file(fd->get(), max_bytes, "blob " + std::string(digest));
    if (!content)
        return content;
    if (const auto actual = registry::sha256_digest(*content); actual != digest)
        return digest_mismatch(digest, actual);
    return content;
}

Expected<registry::OciLayoutIndex> OciLayoutStore::read_index() const {
    auto json =
        read_file_at(root_.get(), index_name, max_index_bytes, (directory_ / index_name).string());
    if (!json)
        return json.error();
    auto index = registry::parse_oci_layout_index(*json);
    if (!index)
        return with_context(index.error(), directory_.string());
    return index;
}

Expected<void> OciLayoutStore::update_index(registry::OciLayoutEntry entry) {
    // flock conflicts between separate opens, so this lock serializes threads of this
    // process as well as other processes writing the same layout.
    UniqueFd lock(::openat(root_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock || ::flock(lock.get(), LOCK_EX) != 0)
        return io_error("cannot lock " + directory_.string());
    auto index = read_index();
    if (!index)
        return index.error();
    index->put(std::move(entry));
    return write_file_atomically(root_.get(), index_name,
                                 registry::serialize_oci_layout_index(*index));
}

Expected<std::vector<std::string>> find_oci_layouts(const std::filesystem::path& root) {
    std::vector<std::string> found;
    std::error_code error;
    if (is_layout_directory(root))
        found.emplace_back();
    std::filesystem::recursive_directory_iterator walk(root, error);
    if (error)
        return make_error(ErrorKind::io, "cannot list " + root.string() + ": " + error.message());
    for (const auto end = std::filesystem::recursive_directory_iterator(); walk != end;
         walk.increment(error)) {
        if (error) {
            return make_error(ErrorKind::io,
                              "cannot list " + root.string() + ": " + error.message());
        }
        if (!walk->is_directory(error) || walk->is_symlink(error))
            continue;
        if (is_layout_directory(walk->path()))
            found.push_back(walk->path().lexically_relative(root).generic_string());
        // A layout's own blobs are no repositories: not worth walking.
        if (walk->path().filename() == "blobs" && is_layout_directory(walk->path().parent_path()))
            walk.disable_recursion_pending();
    }
    std::sort(found.begin(), found.end());
    return found;
}

}  // namespace regmigrate::engine
