// Where an image is written, as the image copier sees it: blob placement (is it there, a
// cross-repository mount, the bytes of one blob in attempts) and manifests. Two kinds:
// - RegistryImageSink: a repository of a v2 registry (an ECR repository is one, created
//   before the first push by the run);
// - LayoutImageSink (engine/layout/layout_sink.hpp): an OCI image layout directory.
#pragma once

#include "engine/copy/image_source.hpp"
#include "registry/distribution/registry_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

// The bytes of one blob, sent in attempts: what the registry already holds of a broken
// chunked upload is not sent again.
class BlobWriter {
  public:
    virtual ~BlobWriter() = default;
    // One attempt, reading afresh from source; previous: why the last attempt failed.
    virtual boost::asio::awaitable<Expected<void>> attempt(
        ImageSource& source, const std::optional<Error>& previous) = 0;
    // Given up: what the attempts left behind (an open upload) is cleaned up.
    virtual boost::asio::awaitable<void> abandon() = 0;
};

class ImageSink {
  public:
    virtual ~ImageSink() = default;

    // "HOST/REPO" or "oci:DIR", for messages.
    virtual std::string describe() const = 0;
    // The run's BlobLedger names a sink by registry and repository; a layout is a
    // "registry" of its own ("oci:DIR") with a single, unnamed repository.
    virtual std::string ledger_registry() const = 0;
    virtual std::string ledger_repository() const = 0;
    // The repository holds only what this run put there: a blob the ledger does not know
    // is not there, and nobody needs to ask.
    virtual bool fresh() const = 0;
    // What the sink serves under tag (digest and media type), nullopt when nothing.
    virtual boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) = 0;
    // The blob is there, whole.
    virtual boost::asio::awaitable<Expected<bool>> has_blob(std::string digest,
                                                            std::uint64_t size) = 0;
    // From another repository of the same registry (registries only).
    virtual boost::asio::awaitable<Expected<registry::MountResult>> mount_blob(
        std::string digest, std::string from_repository);
    // An upload session a refused mount opened, no longer wanted: cancelled, so it does
    // not wait for the registry's purge. Resets session.
    virtual boost::asio::awaitable<void> discard(std::optional<registry::UploadSession>& session);
    // session: one a refused mount opened, for the first attempt to use.
    virtual std::unique_ptr<BlobWriter> writer(std::string digest, std::uint64_t size,
                                               std::optional<registry::UploadSession> session) = 0;
    // The manifest's bytes unchanged, as target (a tag; empty: by digest); root: the image
    // asked for, not an index's child.
    virtual boost::asio::awaitable<Expected<void>> put_manifest(std::string_view media_type,
                                                                const std::string& digest,
                                                                const std::string& bytes,
                                                                const std::string& target,
                                                                bool root) = 0;
    // How writes are retried; null: under the source's policy.
    virtual transport::RetryPolicy* retry_policy() const { return nullptr; }
};

// Where the next attempt at a blob starts after a failure (pure: the upload's state in,
// the decision out). Damaged content poisons what was sent: that upload is abandoned,
// never committed; a monolithic upload has nothing to resume.
enum class ResumeFrom {
    fresh_upload,     // cancel the session (if any) and start a new upload at 0
    registry_offset,  // ask the registry how much of the chunked upload it holds
};
ResumeFrom resume_from(bool has_session, bool chunked, ErrorKind failure);
// The registry's answer is usable: no more than the blob.
bool usable_offset(std::uint64_t held, std::uint64_t size);

class RegistryImageSink final : public ImageSink {
  public:
    RegistryImageSink(registry::RegistryClient& client, std::string repository, bool fresh = false)
        : client_(client), repository_(std::move(repository)), fresh_(fresh) {}

    std::string describe() const override;
    std::string ledger_registry() const override { return client_.host(); }
    std::string ledger_repository() const override { return repository_; }
    bool fresh() const override { return fresh_; }
    boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override;
    boost::asio::awaitable<Expected<bool>> has_blob(std::string digest,
                                                    std::uint64_t size) override;
    boost::asio::awaitable<Expected<registry::MountResult>> mount_blob(
        std::string digest, std::string from_repository) override;
    boost::asio::awaitable<void> discard(std::optional<registry::UploadSession>& session) override;
    std::unique_ptr<BlobWriter> writer(std::string digest, std::uint64_t size,
                                       std::optional<registry::UploadSession> session) override;
    boost::asio::awaitable<Expected<void>> put_manifest(std::string_view media_type,
                                                        const std::string& digest,
                                                        const std::string& bytes,
                                                        const std::string& target,
                                                        bool root) override;
    transport::RetryPolicy* retry_policy() const override { return client_.retry_policy(); }

    registry::RegistryClient& client() const { return client_; }
    const std::string& repository() const { return repository_; }

  private:
    registry::RegistryClient& client_;
    std::string repository_;
    bool fresh_;
};

}  // namespace regmigrate::engine
