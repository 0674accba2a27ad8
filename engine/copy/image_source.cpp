#include "engine/copy/image_source.hpp"

#include "engine/copy/verifying_blob_source.hpp"
#include "registry/types/media_types.hpp"
#include "transport/http/memory_body_source.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// A verified read and everything it reads from, owned together.
class OwnedBlobReader final : public BlobReader {
  public:
    std::optional<transport::ResponseStream> download;
    std::unique_ptr<transport::BodySource> upstream;
    std::optional<VerifyingBlobSource> verifying;

    transport::BodySource& body() override { return *verifying; }
};

// Bytes kept in memory (a converted image's config), read through the same check.
class MemoryBlob final : public transport::BodySource {
  public:
    explicit MemoryBlob(std::string bytes) : bytes_(std::move(bytes)), body_(bytes_) {}
    asio::awaitable<Expected<std::size_t>> read(asio::mutable_buffer buffer) override {
        return body_.read(buffer);
    }

  private:
    std::string bytes_;
    transport::MemoryBodySource body_;
};

Expected<void> check_announced(std::optional<std::uint64_t> announced, const std::string& digest,
                               std::uint64_t size) {
    if (announced && *announced != size) {
        return make_error(ErrorKind::digest_mismatch,
                          "blob " + digest + ": source sends " + std::to_string(*announced) +
                              " bytes, manifest says " + std::to_string(size));
    }
    return {};
}

}  // namespace

Expected<std::unique_ptr<BlobReader>> verified_download(transport::ResponseStream download,
                                                        const std::string& digest,
                                                        std::uint64_t size) {
    if (auto checked = check_announced(download.content_length(), digest, size); !checked)
        return checked.error();
    auto reader = std::make_unique<OwnedBlobReader>();
    reader->download.emplace(std::move(download));
    reader->verifying.emplace(*reader->download, digest, size);
    return std::unique_ptr<BlobReader>(std::move(reader));
}

Expected<std::unique_ptr<BlobReader>> verified_body(std::unique_ptr<transport::BodySource> upstream,
                                                    std::optional<std::uint64_t> announced,
                                                    const std::string& digest, std::uint64_t size) {
    if (auto checked = check_announced(announced, digest, size); !checked)
        return checked.error();
    auto reader = std::make_unique<OwnedBlobReader>();
    reader->upstream = std::move(upstream);
    reader->verifying.emplace(*reader->upstream, digest, size);
    return std::unique_ptr<BlobReader>(std::move(reader));
}

asio::awaitable<Expected<std::uint64_t>> size_to_copy(ImageSource& source,
                                                      const registry::Descriptor& blob) {
    if (blob.size != 0 || !blob.media_type.empty())
        co_return blob.size;
    auto source_size = co_await source.blob_size(blob.digest);
    if (!source_size)
        co_return source_size.error();
    if (!*source_size)
        co_return make_error(ErrorKind::not_found, "blob " + blob.digest + " missing from source");
    co_return **source_size;
}

std::string RegistryImageSource::describe() const {
    return client_.host() + "/" + repository_;
}

asio::awaitable<Expected<registry::ManifestData>> RegistryImageSource::read_manifest(
    std::string reference) {
    co_return co_await client_.get_manifest(repository_, reference);
}

asio::awaitable<Expected<std::optional<registry::ManifestHead>>> RegistryImageSource::tag_digest(
    std::string tag) {
    co_return co_await client_.head_manifest(repository_, tag);
}

asio::awaitable<Expected<std::optional<std::uint64_t>>> RegistryImageSource::blob_size(
    std::string digest) {
    co_return co_await client_.blob_size(repository_, digest);
}

asio::awaitable<Expected<std::unique_ptr<BlobReader>>> RegistryImageSource::open_blob(
    std::string digest, std::uint64_t size) {
    auto download = co_await client_.open_blob(repository_, digest);
    if (!download)
        co_return download.error();
    co_return verified_download(std::move(*download), digest, size);
}

std::optional<BlobOrigin> RegistryImageSource::origin() const {
    return BlobOrigin{client_.host(), repository_};
}

transport::RetryPolicy* RegistryImageSource::retry_policy() const {
    return client_.retry_policy();
}

ConvertedImageSource::ConvertedImageSource(std::string description, ConvertedImage image,
                                           LayerOpener open_layer, std::optional<BlobOrigin> origin,
                                           transport::RetryPolicy* retry)
    : description_(std::move(description)),
      image_(std::move(image)),
      open_layer_(std::move(open_layer)),
      origin_(std::move(origin)),
      retry_(retry) {}

asio::awaitable<Expected<registry::ManifestData>> ConvertedImageSource::read_manifest(std::string) {
    auto manifest =
        registry::parse_manifest(image_.manifest, registry::media_type::docker_manifest);
    if (!manifest)
        co_return with_context(manifest.error(), "converted manifest " + image_.digest);
    co_return registry::ManifestData{image_.manifest,
                                     std::string(registry::media_type::docker_manifest),
                                     image_.digest, std::move(*manifest)};
}

asio::awaitable<Expected<std::optional<registry::ManifestHead>>> ConvertedImageSource::tag_digest(
    std::string) {
    co_return std::optional<registry::ManifestHead>(
        registry::ManifestHead{image_.digest, std::string(registry::media_type::docker_manifest)});
}

asio::awaitable<Expected<std::optional<std::uint64_t>>> ConvertedImageSource::blob_size(
    std::string digest) {
    if (digest == image_.config_digest)
        co_return std::optional<std::uint64_t>(image_.config.size());
    auto data = co_await read_manifest(image_.digest);
    if (!data)
        co_return data.error();
    for (const auto& blob : data->manifest.blobs()) {
        if (blob.digest == digest)
            co_return std::optional<std::uint64_t>(blob.size);
    }
    co_return std::optional<std::uint64_t>();
}

asio::awaitable<Expected<std::unique_ptr<BlobReader>>> ConvertedImageSource::open_blob(
    std::string digest, std::uint64_t size) {
    if (digest == image_.config_digest) {
        co_return verified_body(std::make_unique<MemoryBlob>(image_.config), image_.config.size(),
                                digest, size);
    }
    co_return co_await open_layer_(digest, size);
}

}  // namespace regmigrate::engine
