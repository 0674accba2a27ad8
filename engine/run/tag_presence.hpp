// Whether a tag needs copying at all: the destination already serving what the source
// serves under it (the same digest, or the schema2 conversion an earlier run pushed of a
// schema1 image) makes the image a skip.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/run/run_report.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace regmigrate::engine {

// Asks both ends for the tag's digest at once; sets record's digests when the
// destination serves the source's image.
boost::asio::awaitable<Expected<bool>> already_there(ImageCopier& copier, ImageSource& source,
                                                     ImageSink& sink, const std::string& tag,
                                                     ImageRecord& record);

}  // namespace regmigrate::engine
