// A legacy v1 registry's image (a tag naming a chain of v1 images, each with its own
// layer) pushed to a v2 registry as a docker schema2 image.
//
// Two passes per layer: v1 serves no digests, and a v2 upload must name its digest, so a
// first pass streams each layer only to hash it (once per run: V1LayerCache), which gives
// the manifest digest without writing anything; a second pass streams again, converting,
// into a standard verified upload, only for blobs the destination lacks. Memory stays one
// read buffer per transfer, a rerun uploads nothing, and verify converts without pushing.
#pragma once

#include "engine/copy/image_source.hpp"
#include "engine/copy/image_verifier.hpp"
#include "engine/v1/v1_layer_cache.hpp"
#include "registry/content/gzip_stream.hpp"
#include "registry/v1/v1_client.hpp"
#include "registry/v1/v1_image_config.hpp"

#include <memory>
#include <string>
#include <vector>

namespace regmigrate::engine {

struct V1Layer {
    std::string image_id;  // the v1 image whose layer this is
    registry::V1LayerDigests digests;
};

struct V1Conversion {
    registry::V1ConvertedImage image;
    std::vector<V1Layer> layers;  // the non-empty ones, in manifest order (base first)
};

class V1ImageConverter {
  public:
    V1ImageConverter(registry::V1Client client, V1LayerCache& cache,
                     registry::GzipLimits limits = {});

    registry::V1Client& client() { return client_; }

    // Resolves repository:tag, reads its ancestry and image JSONs and measures every layer.
    boost::asio::awaitable<Expected<V1Conversion>> convert(const std::string& repository,
                                                           const std::string& tag);
    // The converted image as an ImageSource for the image copier: its manifest and config
    // from memory, each layer converted again as it streams (a second pass, only for
    // layers the destination lacks). repository: the v1 repository, for messages.
    // retry: how layer reads are retried when the destination has no policy (a layout).
    std::unique_ptr<ConvertedImageSource> source(const V1Conversion& conversion,
                                                 const std::string& repository,
                                                 transport::RetryPolicy* retry);
    // The destination serves the converted digest under tag and holds every blob.
    boost::asio::awaitable<VerifyOutcome> verify(const std::string& repository,
                                                 const std::string& tag,
                                                 registry::RegistryClient& destination,
                                                 const std::string& destination_repository);

  private:
    boost::asio::awaitable<Expected<registry::V1LayerDigests>> measure(const std::string& image_id);
    boost::asio::awaitable<Expected<registry::V1LayerDigests>> hash_layer(
        const std::string& image_id);

    registry::V1Client client_;
    V1LayerCache& cache_;
    registry::GzipLimits limits_;
};

}  // namespace regmigrate::engine
