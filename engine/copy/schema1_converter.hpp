// A docker schema1 image (signed or not) of a v2 registry as a docker schema2 image, for
// destinations that refuse schema1: the config built from the v1Compatibility history as
// for a v1 registry's images (registry/v1/v1_image_config.hpp: architecture, os and config of
// the top entry, history from every entry, throwaway entries as empty_layer history with
// no layer), rootfs.diff_ids from the uncompressed layers, and the layers as the same
// compressed blobs (so they dedupe and mount like any other). Deterministic: an image
// converts to one digest every time, so a rerun finds it in place.
#pragma once

#include "engine/copy/image_source.hpp"
#include "engine/plan/schema1_mode.hpp"
#include "engine/v1/v1_layer_cache.hpp"
#include "registry/content/gzip_stream.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/v1/v1_image_config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

struct Schema1Conversion {
    registry::V1ConvertedImage image;          // config, manifest and their digests
    std::vector<registry::Descriptor> layers;  // the distinct layer blobs, base first
};

class Schema1Converter {
  public:
    explicit Schema1Converter(registry::GzipLimits limits = {});

    // data: a schema1 manifest read from source. Reads each layer blob once per converter
    // (verified against its blobSum) to hash its uncompressed tar; pushes nothing.
    boost::asio::awaitable<Expected<Schema1Conversion>> convert(ImageSource& source,
                                                                const registry::ManifestData& data);

  private:
    boost::asio::awaitable<Expected<registry::V1LayerDigests>> measure(ImageSource& source,
                                                                       const std::string& digest);
    boost::asio::awaitable<Expected<registry::V1LayerDigests>> hash_blob(ImageSource& source,
                                                                         const std::string& digest);

    registry::GzipLimits limits_;
    V1LayerCache measured_;  // keyed by source and blob digest
};

}  // namespace regmigrate::engine
