// A legacy v1 registry's image (a tag naming a chain of v1 images, each with its own
// layer) pushed to a v2 registry as a docker schema2 image.
//
// Two passes per layer: v1 serves no digests, and a v2 upload must name its digest, so a
// first pass streams each layer only to hash it (once per run: V1LayerCache), which gives
// the manifest digest without writing anything; a second pass streams again, converting,
// into a standard verified upload, only for blobs the destination lacks. Memory stays one
// read buffer per transfer, a rerun uploads nothing, and verify converts without pushing.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/image_copier.hpp"
#include "engine/copy/image_verifier.hpp"
#include "engine/copy/transfer_limiter.hpp"
#include "engine/layout/layout_exporter.hpp"
#include "engine/v1/v1_layer_cache.hpp"
#include "metrics/metrics.hpp"
#include "registry/content/gzip_stream.hpp"
#include "registry/v1/v1_client.hpp"
#include "registry/v1/v1_image_config.hpp"

#include <functional>
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
    V1ImageConverter(registry::V1Client client, V1LayerCache& cache, BlobLedger& ledger,
                     TransferLimiter& limiter, metrics::Metrics& metrics,
                     registry::GzipLimits limits = {});

    registry::V1Client& client() { return client_; }

    // Resolves repository:tag, reads its ancestry and image JSONs and measures every layer.
    boost::asio::awaitable<Expected<V1Conversion>> convert(const std::string& repository,
                                                           const std::string& tag);
    // Blobs the destination lacks (ledger, mount, HEAD, else upload), then the config, then
    // the manifest under tag.
    boost::asio::awaitable<Expected<void>> push(const V1Conversion& conversion,
                                                const Endpoint& destination,
                                                const std::string& tag);
    // The same image into an OCI layout (the export of a same-host migration): layers
    // through exporter.place_blob (retried under retry), the config, then the manifest
    // tagged in index.json.
    boost::asio::awaitable<Expected<void>> export_to(const V1Conversion& conversion,
                                                     LayoutExporter& exporter,
                                                     OciLayoutStore& layout, const std::string& tag,
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
    boost::asio::awaitable<Expected<void>> upload_layer(const Endpoint& destination,
                                                        const V1Layer& layer);

    registry::V1Client client_;
    V1LayerCache& cache_;
    BlobLedger& ledger_;
    TransferLimiter& limiter_;
    metrics::Metrics& metrics_;
    registry::GzipLimits limits_;
};

}  // namespace regmigrate::engine
