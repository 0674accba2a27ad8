#include "engine/copy/existing_image.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "registry/types/media_types.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

asio::awaitable<Expected<std::optional<ExistingImage>>> find_existing_image(
    ImageCopier& copier, ImageSource& source, const std::string& reference, ImageSink& sink,
    const std::string& target) {
    const std::optional<ExistingImage> absent;
    // Both ends asked at once: one round trip on an unchanged tag's path instead of two (the
    // source's answer goes unused when the destination lacks the tag).
    using Head = Expected<std::optional<registry::ManifestHead>>;
    Head there{std::optional<registry::ManifestHead>()};
    Head here{std::optional<registry::ManifestHead>()};
    const IndexedWork ask = [&](std::size_t end) -> asio::awaitable<Expected<void>> {
        if (end == 0) {
            there = co_await sink.tag_digest(target.empty() ? reference : target);
        } else {
            here = co_await source.tag_digest(reference);
        }
        co_return Expected<void>{};
    };
    co_await for_each_bounded(2, 2, ask);
    if (!there)
        co_return there.error();
    if (!*there)
        co_return absent;
    if (!here)
        co_return here.error();
    if (!*here)
        co_return absent;
    if ((*here)->digest == (*there)->digest)
        co_return ExistingImage{(*here)->digest, ""};
    if (!registry::is_schema1_media_type((*here)->media_type))
        co_return absent;
    auto converted = co_await copier.conversion_digest(source, (*here)->digest);
    if (!converted)
        co_return converted.error();
    if (!*converted || **converted != (*there)->digest)
        co_return absent;
    co_return ExistingImage{**converted, (*here)->digest};
}

}  // namespace regmigrate::engine
