#include "engine/copy/image_copier.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/copy/image_graph.hpp"
#include "engine/copy/schema1_converter.hpp"
#include "registry/types/media_types.hpp"
#include "transport/log.hpp"

#include <utility>
#include <vector>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::Descriptor;
using registry::ManifestData;

namespace {

// An index may name indexes; a source that nests deeper (or names itself) is refused.
constexpr std::size_t max_index_depth = 8;

}  // namespace

ImageCopier::ImageCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                         CopyOptions options)
    : blobs_(ledger, limiter, metrics),
      metrics_(metrics),
      options_(std::move(options)),
      schema1_(std::make_unique<Schema1Converter>()) {}

ImageCopier::~ImageCopier() = default;

asio::awaitable<Expected<std::optional<std::string>>> ImageCopier::conversion_digest(
    ImageSource& source, const std::string& reference) {
    if (options_.schema1 == Schema1Mode::keep)
        co_return std::optional<std::string>();
    auto data = co_await source.read_manifest(reference);
    if (!data)
        co_return data.error();
    if (!registry::is_schema1_media_type(data->media_type))
        co_return std::optional<std::string>();
    auto conversion = co_await schema1_->convert(source, *data);
    if (!conversion)
        co_return conversion.error();
    co_return std::optional<std::string>(conversion->image.digest);
}

asio::awaitable<Expected<std::string>> ImageCopier::copy(ImageSource& source, std::string reference,
                                                         ImageSink& sink, std::string target,
                                                         std::string* converted_from) {
    auto data = co_await source.read_manifest(reference);
    if (!data)
        co_return data.error();
    const bool schema1 = registry::is_schema1_media_type(data->media_type);
    if (schema1 && (options_.schema1 == Schema1Mode::convert ||
                    (options_.schema1 == Schema1Mode::automatic && destination_refuses_schema1_))) {
        co_return co_await push_conversion(source, *data, sink, target, converted_from);
    }
    if (data->manifest.is_index() && options_.platform) {
        for (const auto& child : data->manifest.manifests) {
            if (child.platform && child.platform->to_string() == *options_.platform) {
                co_return co_await copy(source, child.digest, sink, std::move(target),
                                        converted_from);
            }
        }
        co_return make_error(ErrorKind::not_found, source.describe() + ":" + reference +
                                                       " has no image for platform " +
                                                       *options_.platform);
    }
    co_return co_await copy_image(source, *data, sink, target, converted_from);
}

asio::awaitable<Expected<std::string>> ImageCopier::copy_image(ImageSource& source,
                                                               const ManifestData& data,
                                                               ImageSink& sink,
                                                               const std::string& target,
                                                               std::string* converted_from) {
    const std::size_t width = options_.image_parallelism;
    auto read = co_await read_image_graph(source, data, width, max_index_depth);
    if (!read)
        co_return read.error();
    const ImageGraph& graph = *read;

    // Every blob first, concurrently; the first failure stops the others at their next step.
    bool failed = false;
    const IndexedWork place = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
        const Descriptor& blob = graph.blobs[i];
        if (!blob.digest.starts_with("sha256:")) {
            co_return make_error(ErrorKind::unsupported,
                                 "blob " + blob.digest + ": only sha256 digests can be verified");
        }
        auto size = co_await size_to_copy(source, blob);
        if (!size)
            co_return size.error();
        co_return co_await blobs_.place(source, sink, blob.digest, *size, &failed);
    };
    if (auto placed = co_await for_each_bounded(graph.blobs.size(), width, place, &failed); !placed)
        co_return placed.error();

    // Then the manifests, deepest first: a registry may refuse an index whose manifests it
    // lacks. Children go by digest and are no image of their own in a layout's index.
    for (auto level = graph.levels.rbegin(); level != graph.levels.rend(); ++level) {
        const IndexedWork push = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
            const ManifestData& child = (*level)[i];
            const std::string by_digest;
            auto pushed = co_await sink.put_manifest(child.media_type, child.digest, child.bytes,
                                                     by_digest, false);
            if (pushed)
                metrics_.manifest_pushed();
            co_return pushed;
        };
        if (auto pushed = co_await for_each_bounded(level->size(), width, push); !pushed)
            co_return pushed.error();
    }
    auto pushed =
        co_await sink.put_manifest(data.media_type, data.digest, data.bytes, target, true);
    if (!pushed && registry::is_schema1_media_type(data.media_type) &&
        options_.schema1 == Schema1Mode::automatic &&
        pushed.error().kind == ErrorKind::unsupported) {
        log(LogLevel::info, "destination refuses schema1 manifests: converting to schema2",
            {{"destination", sink.describe()}, {"error", pushed.error().message}});
        destination_refuses_schema1_ = true;
        co_return co_await push_conversion(source, data, sink, target, converted_from);
    }
    if (!pushed)
        co_return pushed.error();
    metrics_.manifest_pushed();
    co_return data.digest;
}

asio::awaitable<Expected<std::string>> ImageCopier::push_conversion(ImageSource& source,
                                                                    const ManifestData& data,
                                                                    ImageSink& sink,
                                                                    const std::string& target,
                                                                    std::string* converted_from) {
    auto conversion = co_await schema1_->convert(source, data);
    if (!conversion)
        co_return conversion.error();
    const auto& image = conversion->image;
    // The layers are the source's own blobs; the config and manifest are made here.
    const LayerOpener layers = [&source](const std::string& digest, std::uint64_t size) {
        return source.open_blob(digest, size);
    };
    ConvertedImageSource converted(
        source.describe(),
        ConvertedImage{image.digest, image.manifest, image.config_digest, image.config}, layers,
        source.origin(), source.retry_policy());
    auto manifest = co_await converted.read_manifest(image.digest);
    if (!manifest)
        co_return manifest.error();
    auto pushed = co_await copy_image(converted, *manifest, sink, target, nullptr);
    if (!pushed)
        co_return pushed.error();
    metrics_.schema1_converted();
    log(LogLevel::info, "schema1 image converted to schema2",
        {{"source", source.describe() + "@" + data.digest},
         {"destination", sink.describe() + "@" + image.digest}});
    if (converted_from)
        *converted_from = data.digest;
    co_return image.digest;
}

}  // namespace regmigrate::engine
