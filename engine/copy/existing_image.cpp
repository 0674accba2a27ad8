#include "engine/copy/existing_image.hpp"

#include "registry/types/media_types.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

asio::awaitable<Expected<std::optional<ExistingImage>>> find_existing_image(
    ImageCopier& copier, ImageSource& source, const std::string& reference, ImageSink& sink,
    const std::string& target) {
    const std::optional<ExistingImage> absent;
    auto there = co_await sink.tag_digest(target.empty() ? reference : target);
    if (!there)
        co_return there.error();
    if (!*there)
        co_return absent;
    auto here = co_await source.tag_digest(reference);
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
