#include "engine/run/tag_presence.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "registry/types/media_types.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

asio::awaitable<Expected<bool>> already_there(ImageCopier& copier, ImageSource& source,
                                              ImageSink& sink, const std::string& tag,
                                              ImageRecord& record) {
    // Both ends asked at once: one round trip on an unchanged tag's path instead of two
    // (the source's answer goes unused when the destination lacks the tag).
    using Head = Expected<std::optional<registry::ManifestHead>>;
    Head there{std::optional<registry::ManifestHead>()};
    Head here{std::optional<registry::ManifestHead>()};
    const IndexedWork ask = [&](std::size_t end) -> asio::awaitable<Expected<void>> {
        if (end == 0) {
            there = co_await sink.tag_digest(tag);
        } else {
            here = co_await source.tag_digest(tag);
        }
        co_return Expected<void>{};
    };
    co_await for_each_bounded(2, 2, ask);
    if (!there)
        co_return there.error();
    if (!*there)
        co_return false;
    if (!here)
        co_return here.error();
    if (!*here)
        co_return false;
    if ((*here)->digest == (*there)->digest) {
        record.digest = (*here)->digest;
        co_return true;
    }
    if (!registry::is_schema1_media_type((*here)->media_type))
        co_return false;
    auto converted = co_await copier.conversion_digest(source, (*here)->digest);
    if (!converted)
        co_return converted.error();
    if (!*converted || **converted != (*there)->digest)
        co_return false;
    record.digest = **converted;
    record.source_digest = (*here)->digest;
    co_return true;
}

}  // namespace regmigrate::engine
