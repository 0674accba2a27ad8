// What one image consists of below its root manifest, read through an ImageSource: the
// manifests of each level of an index (levels[0]: the root's children, levels[1]: theirs,
// ...) and the blobs all of them reference. The copier places and pushes it; the recency
// filters date it.
#pragma once

#include "engine/copy/image_source.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <vector>

namespace regmigrate::engine {

struct ImageGraph {
    std::vector<std::vector<registry::ManifestData>> levels;
    // A blob referenced twice (a base layer of two platforms) is listed twice: the run's
    // ledger moves it once and counts the other reference "deduped", so every reference has
    // its outcome in regmigrate_blobs_total. Non-distributable layers are left out.
    std::vector<registry::Descriptor> blobs;
};

// The graph below root, each level's manifests read at most `width` at once. An index nested
// deeper than max_depth levels below the root (or naming itself) is an ErrorKind::protocol
// error.
boost::asio::awaitable<Expected<ImageGraph>> read_image_graph(ImageSource& source,
                                                              const registry::ManifestData& root,
                                                              std::size_t width,
                                                              std::size_t max_depth);

}  // namespace regmigrate::engine
