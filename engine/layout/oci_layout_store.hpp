// One OCI image layout directory on local disk, shared by every worker of a run.
//
// Blobs (manifests included) are written to blobs/sha256/<hex>.tmp-<random>, hashed while
// written, fsynced, and renamed to <hex> only when size and digest match: a crash leaves at
// most an ignored temporary file, never a wrong blob, and a blob already present is not
// written again. index.json is rewritten whole (temporary file + rename) under an
// exclusive lock on the directory, so concurrent writers, threads or processes, lose no
// tag. Nothing is opened through a symlink inside the directory, and digests are validated
// before they become file names.
#pragma once

#include "registry/layout/oci_layout_index.hpp"
#include "transport/http/http_message.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regmigrate::engine {

// An owned file descriptor.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

// A blob of the layout read as a request body, in the pieces the caller asks for.
class OciLayoutBlobReader final : public transport::BodySource {
  public:
    OciLayoutBlobReader(UniqueFd file, std::uint64_t size) : file_(std::move(file)), size_(size) {}

    boost::asio::awaitable<Expected<std::size_t>> read(boost::asio::mutable_buffer buffer) override;
    std::uint64_t size() const { return size_; }

  private:
    UniqueFd file_;
    std::uint64_t size_;
};

class OciLayoutStore {
  public:
    // The layout at directory. create: make it (oci-layout, blobs/sha256, an empty
    // index.json) when absent; otherwise it must already be a layout.
    static Expected<std::unique_ptr<OciLayoutStore>> open(const std::filesystem::path& directory,
                                                          bool create);

    const std::filesystem::path& directory() const { return directory_; }

    // The size of the blob when the layout holds it, else nullopt.
    Expected<std::optional<std::uint64_t>> blob_size(std::string_view digest) const;
    // Streams size bytes of body into the layout as digest (see the class comment).
    // Returns the bytes written: 0 when the blob was already there.
    boost::asio::awaitable<Expected<std::uint64_t>> write_blob(std::string_view digest,
                                                               std::uint64_t size,
                                                               transport::BodySource& body);
    // A small blob (a manifest) written the same way; returns the bytes written.
    Expected<std::uint64_t> write_bytes(std::string_view digest, std::string_view bytes);

    Expected<std::unique_ptr<OciLayoutBlobReader>> open_blob(std::string_view digest) const;
    // The whole blob, refused past max_bytes or when it does not hash to digest.
    Expected<std::string> read_bytes(std::string_view digest, std::size_t max_bytes) const;

    Expected<registry::OciLayoutIndex> read_index() const;
    // index.json with entry put in (registry::OciLayoutIndex::put), atomically.
    Expected<void> update_index(registry::OciLayoutEntry entry);

  private:
    OciLayoutStore(std::filesystem::path directory, UniqueFd root, UniqueFd blobs);

    Expected<UniqueFd> open_blob_file(std::string_view digest) const;

    std::filesystem::path directory_;
    UniqueFd root_;   // the layout directory
    UniqueFd blobs_;  // blobs/sha256
};

// The layouts under root (root itself included), as paths relative to it ("" for root):
// each directory holding an `oci-layout` file. Symlinked directories are not followed.
Expected<std::vector<std::string>> find_oci_layouts(const std::filesystem::path& root);

}  // namespace regmigrate::engine
