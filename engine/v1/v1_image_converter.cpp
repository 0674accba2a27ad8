#include "engine/v1/v1_image_converter.hpp"

#include "engine/v1/layer_measure.hpp"
#include "engine/v1/v1_layer_body.hpp"

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// A v1 layer converted as it streams, owned with the response it reads.
class V1LayerReader final : public BlobReader {
  public:
    V1LayerReader(transport::ResponseStream layer, const std::string& image_id,
                  registry::GzipLimits limits, const std::string& digest)
        : layer_(std::move(layer)), body_(layer_, image_id, limits, digest) {}

    transport::BodySource& body() override { return body_; }

  private:
    transport::ResponseStream layer_;
    V1LayerBody body_;
};

}  // namespace

V1ImageConverter::V1ImageConverter(registry::V1Client client, V1LayerCache& cache,
                                   registry::GzipLimits limits)
    : client_(std::move(client)), cache_(cache), limits_(limits) {}

asio::awaitable<Expected<registry::V1LayerDigests>> V1ImageConverter::hash_layer(
    const std::string& image_id) {
    auto layer = co_await client_.open_layer(image_id);
    if (!layer)
        co_return layer.error();
    co_return co_await measure_layer(*layer, image_id, limits_);
}

asio::awaitable<Expected<registry::V1LayerDigests>> V1ImageConverter::measure(
    const std::string& image_id) {
    if (auto known = co_await cache_.acquire(client_.host(), image_id))
        co_return *known;
    auto digests = co_await hash_layer(image_id);
    if (digests) {
        cache_.store(client_.host(), image_id, *digests);
    } else {
        cache_.abandon(client_.host(), image_id);
    }
    co_return digests;
}

asio::awaitable<Expected<V1Conversion>> V1ImageConverter::convert(const std::string& repository,
                                                                  const std::string& tag) {
    auto name = registry::parse_v1_repository(repository);
    if (!name)
        co_return name.error();
    auto image_id = co_await client_.tag_image(*name, tag);
    if (!image_id)
        co_return image_id.error();
    auto ancestry = co_await client_.ancestry(*image_id);
    if (!ancestry)
        co_return ancestry.error();
    std::reverse(ancestry->begin(), ancestry->end());  // base first, as layers stack

    std::vector<registry::V1Image> chain;
    std::vector<registry::V1LayerDigests> digests;
    V1Conversion conversion;
    for (const auto& id : *ancestry) {
        auto image = co_await client_.image(id);
        if (!image)
            co_return image.error();
        // The chain must be what each image JSON says its parent is.
        const std::string expected_parent = chain.empty() ? "" : chain.back().id;
        if (image->parent != expected_parent) {
            co_return make_error(ErrorKind::protocol,
                                 "v1 image " + id + " names parent \"" + image->parent +
                                     "\" but its ancestry says \"" + expected_parent + "\"");
        }
        auto layer = co_await measure(id);
        if (!layer)
            co_return layer.error();
        if (!layer->empty)
            conversion.layers.push_back({id, *layer});
        chain.push_back(std::move(*image));
        digests.push_back(std::move(*layer));
    }
    auto converted = registry::convert_v1_image(chain, digests);
    if (!converted)
        co_return converted.error();
    conversion.image = std::move(*converted);
    co_return conversion;
}

std::unique_ptr<ConvertedImageSource> V1ImageConverter::source(const V1Conversion& conversion,
                                                               const std::string& repository,
                                                               transport::RetryPolicy* retry) {
    const LayerOpener open_layer =
        [this, layers = conversion.layers](
            const std::string& digest,
            std::uint64_t size) -> asio::awaitable<Expected<std::unique_ptr<BlobReader>>> {
        const auto layer = std::find_if(layers.begin(), layers.end(), [&](const V1Layer& l) {
            return l.digests.digest == digest;
        });
        if (layer == layers.end() || layer->digests.size != size)
            co_return make_error(ErrorKind::not_found,
                                 "blob " + digest + " is no layer of the image");
        auto response = co_await client_.open_layer(layer->image_id);
        if (!response)
            co_return response.error();
        co_return std::unique_ptr<BlobReader>(std::make_unique<V1LayerReader>(
            std::move(*response), layer->image_id, limits_, digest));
    };
    const auto& image = conversion.image;
    return std::make_unique<ConvertedImageSource>(
        client_.host() + "/" + repository,
        ConvertedImage{image.digest, image.manifest, image.config_digest, image.config}, open_layer,
        std::nullopt, retry);
}

asio::awaitable<VerifyOutcome> V1ImageConverter::verify(const std::string& repository,
                                                        const std::string& tag,
                                                        registry::RegistryClient& destination,
                                                        const std::string& destination_repository) {
    VerifyOutcome outcome;
    auto conversion = co_await convert(repository, tag);
    if (!conversion) {
        outcome.status = metrics::ImageOutcome::failed;
        outcome.error = conversion.error().message;
        co_return outcome;
    }
    outcome.digest = conversion->image.digest;
    auto there = co_await destination.head_manifest(destination_repository, tag);
    if (!there) {
        outcome.status = metrics::ImageOutcome::failed;
        outcome.error = there.error().message;
        co_return outcome;
    }
    if (!*there) {
        outcome.status = metrics::ImageOutcome::missing;
        outcome.error = "the destination has no tag " + tag;
        co_return outcome;
    }
    if ((*there)->digest != outcome.digest) {
        outcome.status = metrics::ImageOutcome::mismatched;
        outcome.error = "the destination serves " + (*there)->digest +
                        ", the v1 image converts to " + outcome.digest;
        co_return outcome;
    }
    std::vector<std::string> blobs{conversion->image.config_digest};
    for (const auto& layer : conversion->layers)
        blobs.push_back(layer.digests.digest);
    for (const auto& digest : blobs) {
        auto size = co_await destination.blob_size(destination_repository, digest);
        if (!size || !*size) {
            outcome.status = size ? metrics::ImageOutcome::missing : metrics::ImageOutcome::failed;
            outcome.error =
                size ? "blob " + digest + " is missing at the destination" : size.error().message;
            co_return outcome;
        }
    }
    outcome.status = metrics::ImageOutcome::matched;
    co_return outcome;
}

}  // namespace regmigrate::engine
