#include "engine/v1/v1_image_converter.hpp"

#include "engine/copy/blob_claim.hpp"
#include "engine/v1/layer_measure.hpp"
#include "engine/v1/v1_layer_body.hpp"
#include "registry/types/media_types.hpp"
#include "transport/http/memory_body_source.hpp"
#include "transport/retry/retry_wait.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

namespace regmigrate::engine {

namespace asio = boost::asio;

V1ImageConverter::V1ImageConverter(registry::V1Client client, V1LayerCache& cache,
                                   BlobLedger& ledger, TransferLimiter& limiter,
                                   metrics::Metrics& metrics, registry::GzipLimits limits)
    : client_(std::move(client)),
      cache_(cache),
      ledger_(ledger),
      limiter_(limiter),
      metrics_(metrics),
      limits_(limits) {}

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

asio::awaitable<Expected<void>> V1ImageConverter::upload_layer(const Endpoint& destination,
                                                               const V1Layer& layer) {
    auto response = co_await client_.open_layer(layer.image_id);
    if (!response)
        co_return response.error();
    V1LayerBody body(*response, layer.image_id, limits_, layer.digests.digest);
    co_return co_await destination.client->upload_blob(destination.repository, layer.digests.digest,
                                                       layer.digests.size, body);
}

asio::awaitable<Expected<void>> V1ImageConverter::push(const V1Conversion& conversion,
                                                       const Endpoint& destination,
                                                       const std::string& tag) {
    for (const auto& layer : conversion.layers) {
        const BlobUpload upload = [&]() { return upload_layer(destination, layer); };
        auto placed = co_await place_blob(ledger_, limiter_, metrics_, destination,
                                          layer.digests.digest, layer.digests.size, upload);
        if (!placed)
            co_return placed.error();
    }
    const auto& image = conversion.image;
    auto config = co_await place_bytes(ledger_, limiter_, metrics_, destination,
                                       image.config_digest, image.config);
    if (!config)
        co_return config.error();
    auto pushed = co_await destination.client->put_manifest(
        destination.repository, tag, registry::media_type::docker_manifest, image.manifest);
    if (!pushed)
        co_return pushed.error();
    metrics_.manifest_pushed();
    co_return Expected<void>{};
}

asio::awaitable<Expected<void>> V1ImageConverter::export_to(const V1Conversion& conversion,
                                                            LayoutExporter& exporter,
                                                            OciLayoutStore& layout,
                                                            const std::string& tag,
                                                            transport::RetryPolicy* retry) {
    for (const auto& layer : conversion.layers) {
        const LayoutExporter::BlobWrite write = [&]() -> asio::awaitable<Expected<std::uint64_t>> {
            auto response = co_await client_.open_layer(layer.image_id);
            if (!response)
                co_return response.error();
            V1LayerBody body(*response, layer.image_id, limits_, layer.digests.digest);
            co_return co_await layout.write_blob(layer.digests.digest, layer.digests.size, body);
        };
        auto placed = co_await exporter.place_blob(layout, layer.digests.digest, layer.digests.size,
                                                   retry, write);
        if (!placed)
            co_return placed.error();
    }
    const auto& image = conversion.image;
    const LayoutExporter::BlobWrite write_config =
        [&]() -> asio::awaitable<Expected<std::uint64_t>> {
        co_return layout.write_bytes(image.config_digest, image.config);
    };
    auto config = co_await exporter.place_blob(layout, image.config_digest, image.config.size(),
                                               nullptr, write_config);
    if (!config)
        co_return config.error();
    co_return exporter.store_manifest(layout, registry::media_type::docker_manifest, image.digest,
                                      image.manifest, tag, true);
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
