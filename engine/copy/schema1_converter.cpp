#include "engine/copy/schema1_converter.hpp"

#include "engine/v1/layer_measure.hpp"
#include "registry/types/media_types.hpp"
#include "registry/types/schema1_image.hpp"
#include "registry/types/schema1_payload.hpp"

#include <set>

namespace regmigrate::engine {

namespace asio = boost::asio;

Schema1Converter::Schema1Converter(registry::GzipLimits limits) : limits_(limits) {}

asio::awaitable<Expected<registry::V1LayerDigests>> Schema1Converter::hash_blob(
    ImageSource& source, const std::string& digest) {
    // Named, not a temporary in the co_await expression: GCC 12 double-destroys those.
    const registry::Descriptor blob_descriptor{.digest = digest};
    auto size = co_await size_to_copy(source, blob_descriptor);
    if (!size)
        co_return size.error();
    auto blob = co_await source.open_blob(digest, *size);
    if (!blob)
        co_return blob.error();
    auto measured = co_await measure_layer((*blob)->body(), digest, limits_);
    if (!measured)
        co_return measured.error();
    // A plain tar would be compressed by the transcoder: a schema2 layer that is another
    // blob, which this conversion promises not to make.
    if (measured->digest != digest) {
        co_return make_error(
            ErrorKind::unsupported,
            "layer " + digest + " is not gzip-compressed; a schema2 image cannot list it as is");
    }
    co_return measured;
}

asio::awaitable<Expected<registry::V1LayerDigests>> Schema1Converter::measure(
    ImageSource& source, const std::string& digest) {
    const std::string origin = source.describe();
    if (auto known = co_await measured_.acquire(origin, digest))
        co_return *known;
    auto digests = co_await hash_blob(source, digest);
    if (digests) {
        measured_.store(origin, digest, *digests);
    } else {
        measured_.abandon(origin, digest);
    }
    co_return digests;
}

asio::awaitable<Expected<Schema1Conversion>> Schema1Converter::convert(
    ImageSource& source, const registry::ManifestData& data) {
    const std::string what = "converting " + source.describe() + "@" + data.digest;
    // The payload is what the digest names and what registries read the layers from.
    std::string payload = data.bytes;
    if (data.media_type == registry::media_type::docker_schema1_signed) {
        auto unsigned_bytes = registry::schema1_payload(data.bytes);
        if (!unsigned_bytes)
            co_return with_context(unsigned_bytes.error(), what);
        payload = std::move(*unsigned_bytes);
    }
    auto layers = registry::schema1_layers(payload);
    if (!layers)
        co_return with_context(layers.error(), what);
    std::vector<registry::V1Image> chain;
    std::vector<registry::V1LayerDigests> digests;
    Schema1Conversion conversion;
    std::set<std::string> listed;
    for (auto& layer : *layers) {
        registry::V1LayerDigests measured{.empty = true};
        if (!layer.throwaway) {
            auto hashed = co_await measure(source, layer.blob_sum);
            if (!hashed)
                co_return with_context(hashed.error(), what);
            measured = *hashed;
            // Schema1 marks empty layers by throwaway alone: a pre-1.10 client's empty tar
            // without it is a layer, as docker and skopeo keep it.
            measured.empty = false;
            if (listed.insert(layer.blob_sum).second) {
                conversion.layers.push_back(registry::Descriptor{
                    .media_type = std::string(registry::media_type::docker_layer),
                    .digest = layer.blob_sum,
                    .size = measured.size});
            }
        }
        chain.push_back(std::move(layer.image));
        digests.push_back(std::move(measured));
    }
    auto image = registry::convert_v1_image(chain, digests);
    if (!image)
        co_return with_context(image.error(), what);
    conversion.image = std::move(*image);
    co_return conversion;
}

}  // namespace regmigrate::engine
