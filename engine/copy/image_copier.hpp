// Copies one image (a manifest, or an index with its children) from a source repository to
// a destination repository: blobs first, streamed and verified, then the manifest bytes
// exactly as read, so the destination serves the same digests.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/transfer_limiter.hpp"
#include "engine/plan/schema1_mode.hpp"
#include "metrics/metrics.hpp"
#include "registry/distribution/registry_client.hpp"

#include <memory>
#include <optional>
#include <string>

namespace regmigrate::engine {

class OciLayoutStore;
class Schema1Converter;

struct Endpoint {
    registry::RegistryClient* client;
    std::string repository;
    // Destination only: the repository did not exist when the run began (see
    // DestinationInventory), so a blob the ledger does not know is not there.
    bool fresh = false;
    // Source only: read from this OCI image layout instead of client (see layout_source.hpp).
    OciLayoutStore* layout = nullptr;
};

// An upload session the registry opened instead of mounting (a 202 to a mount), no longer
// wanted: cancelled, so its upload does not wait for the registry's purge. Resets session.
boost::asio::awaitable<void> discard_upload_session(
    const Endpoint& destination, std::optional<registry::UploadSession>& session);

struct CopyOptions {
    // "os/arch[/variant]": copy only this platform of an index, pushed as the tag itself.
    std::optional<std::string> platform;
    // Source and destination are one registry: mount blobs straight from the source repo.
    bool same_registry = false;
    Schema1Mode schema1 = Schema1Mode::automatic;
};

class ImageCopier {
  public:
    ImageCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                CopyOptions options);
    ~ImageCopier();

    // Copies source:reference to destination:target (a tag, or the digest when empty).
    // Returns the digest pushed. A schema1 image pushed as its schema2 conversion (see
    // CopyOptions::schema1) sets *converted_from, when given, to the source's digest.
    boost::asio::awaitable<Expected<std::string>> copy(const Endpoint& source,
                                                       std::string reference,
                                                       const Endpoint& destination,
                                                       std::string target,
                                                       std::string* converted_from = nullptr);

    // The digest a schema1 image at source:reference converts to; nullopt when it is not
    // schema1 or schema1 images are kept. Reads the layers; pushes nothing.
    boost::asio::awaitable<Expected<std::optional<std::string>>> conversion_digest(
        const Endpoint& source, const std::string& reference);

  private:
    boost::asio::awaitable<Expected<std::string>> copy_manifest(const Endpoint& source,
                                                                const std::string& reference,
                                                                const Endpoint& destination,
                                                                const std::string& target,
                                                                std::string* converted_from);
    // The schema1 image `data` as its schema2 conversion: layers, config, then manifest.
    boost::asio::awaitable<Expected<std::string>> push_conversion(
        const Endpoint& source, const registry::ManifestData& data, const Endpoint& destination,
        const std::string& target, std::string* converted_from);
    boost::asio::awaitable<Expected<void>> copy_blob(const Endpoint& source,
                                                     const Endpoint& destination,
                                                     const registry::Descriptor& blob);
    // Streams the blob GET→PUT; a broken attempt is retried under the destination client's
    // retry policy: a chunked upload continues from the registry's Range, anything else
    // (a monolithic upload, content that does not hash) starts again in a fresh upload.
    boost::asio::awaitable<Expected<void>> transfer_blob(
        const Endpoint& source, const Endpoint& destination, const std::string& digest,
        std::uint64_t size, std::optional<registry::UploadSession> session);
    // One attempt: a fresh GET, the first `offset` bytes hashed but not sent, the rest
    // uploaded into `session` (opened first when empty).
    boost::asio::awaitable<Expected<void>> stream_blob(
        const Endpoint& source, const Endpoint& destination, const std::string& digest,
        std::uint64_t size, std::optional<registry::UploadSession>& session, std::uint64_t offset);
    // Where the next attempt starts after `failure`: the registry's Range of a chunked
    // upload, or 0 with the session dropped.
    boost::asio::awaitable<std::uint64_t> resume_offset(
        const Endpoint& destination, std::uint64_t size,
        std::optional<registry::UploadSession>& session, const Error& failure);
    // Source and destination on one registry: mounts digest straight from the source
    // repository. true: mounted (counted); false: refused, the registry is marked as not
    // mounting and session holds the upload it opened instead.
    boost::asio::awaitable<Expected<bool>> mount_from_source(
        const Endpoint& source, const Endpoint& destination, const std::string& digest,
        std::optional<registry::UploadSession>& session);

    BlobLedger& ledger_;
    TransferLimiter& limiter_;
    metrics::Metrics& metrics_;
    CopyOptions options_;
    std::unique_ptr<Schema1Converter> schema1_;
    // automatic mode: this destination refused a schema1 manifest, so the next ones are
    // converted without asking again (a copier serves one pair on one event loop).
    bool destination_refuses_schema1_ = false;
};

}  // namespace regmigrate::engine
