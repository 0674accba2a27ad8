// --skip-existing, for copy and sync alike: does the destination already serve the image?
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/copy/image_sink.hpp"
#include "engine/copy/image_source.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace regmigrate::engine {

struct ExistingImage {
    std::string digest;         // what the destination serves
    std::string source_digest;  // a schema1 source whose conversion that is; "" otherwise
};

// What the destination serves under target (empty: the source's reference, a digest) when
// it is what the source serves under reference: the same digest, or a schema1 image's
// conversion an earlier run pushed. nullopt when the image is not there (or differs). Both
// ends are asked at once.
boost::asio::awaitable<Expected<std::optional<ExistingImage>>> find_existing_image(
    ImageCopier& copier, ImageSource& source, const std::string& reference, ImageSink& sink,
    const std::string& target);

}  // namespace regmigrate::engine
