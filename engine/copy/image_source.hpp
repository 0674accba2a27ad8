// Where an image is read from, as the image copier sees it: a manifest by tag or digest,
// blob sizes, and one verified read of a blob at a time. Three kinds:
// - RegistryImageSource: a repository of a v2 registry (Docker Hub included);
// - LayoutImageSource (engine/layout/layout_source.hpp): an OCI image layout directory;
// - ConvertedImageSource: an image converted as it is read (a v1 registry's image, a
//   schema1 image as schema2): the manifest and config in memory, layers from elsewhere.
#pragma once

#include "registry/distribution/registry_client.hpp"
#include "transport/error.hpp"
#include "transport/http/http_message.hpp"
#include "transport/http/response_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace regmigrate::transport {
class RetryPolicy;
}

namespace regmigrate::engine {

// One read of a blob: the body an upload streams, and what that body reads from.
class BlobReader {
  public:
    virtual ~BlobReader() = default;
    virtual transport::BodySource& body() = 0;
};

// A read hashed as it flows and refused, before its last piece, unless it is digest with
// size bytes (VerifyingBlobSource). announced: the length the body said it has, if it did;
// a length other than size is refused at once.
Expected<std::unique_ptr<BlobReader>> verified_download(transport::ResponseStream download,
                                                        const std::string& digest,
                                                        std::uint64_t size);
Expected<std::unique_ptr<BlobReader>> verified_body(std::unique_ptr<transport::BodySource> upstream,
                                                    std::optional<std::uint64_t> announced,
                                                    const std::string& digest, std::uint64_t size);

// The registry repository a source's blobs live in: a destination on the same registry
// mounts them from there instead of moving their bytes.
struct BlobOrigin {
    std::string registry;
    std::string repository;
};

class ImageSource {
  public:
    virtual ~ImageSource() = default;

    // "HOST/REPO" or "oci:DIR", for messages.
    virtual std::string describe() const = 0;
    virtual boost::asio::awaitable<Expected<registry::ManifestData>> read_manifest(
        std::string reference) = 0;
    // What the source serves under tag (digest and media type), nullopt when nothing.
    virtual boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) = 0;
    // nullopt when the source does not have the blob.
    virtual boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(
        std::string digest) = 0;
    virtual boost::asio::awaitable<Expected<std::unique_ptr<BlobReader>>> open_blob(
        std::string digest, std::uint64_t size) = 0;
    virtual std::optional<BlobOrigin> origin() const { return std::nullopt; }
    // How reads are retried (null: not at all); a layout destination has no policy of its
    // own and retries under its source's.
    virtual transport::RetryPolicy* retry_policy() const { return nullptr; }
};

// The size of a blob to copy: its descriptor's, or for a schema1 layer (which carries
// none) the source's; an error when the source does not have it.
boost::asio::awaitable<Expected<std::uint64_t>> size_to_copy(ImageSource& source,
                                                             const registry::Descriptor& blob);

class RegistryImageSource final : public ImageSource {
  public:
    RegistryImageSource(registry::RegistryClient& client, std::string repository)
        : client_(client), repository_(std::move(repository)) {}

    std::string describe() const override;
    boost::asio::awaitable<Expected<registry::ManifestData>> read_manifest(
        std::string reference) override;
    boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override;
    boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(
        std::string digest) override;
    boost::asio::awaitable<Expected<std::unique_ptr<BlobReader>>> open_blob(
        std::string digest, std::uint64_t size) override;
    std::optional<BlobOrigin> origin() const override;
    transport::RetryPolicy* retry_policy() const override;

    registry::RegistryClient& client() const { return client_; }
    const std::string& repository() const { return repository_; }

  private:
    registry::RegistryClient& client_;
    std::string repository_;
};

// An image made here: its schema2 manifest and config bytes (deterministic, so one
// source image converts to one digest every time).
struct ConvertedImage {
    std::string digest;  // of manifest
    std::string manifest;
    std::string config_digest;
    std::string config;
};

// Opens a layer of a converted image (its digest and size are the manifest's).
using LayerOpener = std::function<boost::asio::awaitable<Expected<std::unique_ptr<BlobReader>>>(
    const std::string& digest, std::uint64_t size)>;

class ConvertedImageSource final : public ImageSource {
  public:
    // Every reference names the converted image. open_layer and origin say where the
    // layers are; retry is how their reads are retried (null: not at all).
    ConvertedImageSource(std::string description, ConvertedImage image, LayerOpener open_layer,
                         std::optional<BlobOrigin> origin, transport::RetryPolicy* retry);

    std::string describe() const override { return description_; }
    boost::asio::awaitable<Expected<registry::ManifestData>> read_manifest(
        std::string reference) override;
    // Every tag names the converted image.
    boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override;
    boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(
        std::string digest) override;
    boost::asio::awaitable<Expected<std::unique_ptr<BlobReader>>> open_blob(
        std::string digest, std::uint64_t size) override;
    std::optional<BlobOrigin> origin() const override { return origin_; }
    transport::RetryPolicy* retry_policy() const override { return retry_; }

    const ConvertedImage& image() const { return image_; }

  private:
    std::string description_;
    ConvertedImage image_;
    LayerOpener open_layer_;
    std::optional<BlobOrigin> origin_;
    transport::RetryPolicy* retry_;
};

}  // namespace regmigrate::engine
