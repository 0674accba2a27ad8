// Copies one image from an ImageSource to an ImageSink: the one image path of every
// command (copy, sync, migrate; registry, OCI layout, v1 registry and schema1 sources).
// It reads the manifest graph (an index's children, and theirs), places every
// blob through BlobTransfer, concurrently up to the image's bound, then pushes the
// manifests' bytes exactly as read, children before their index, so the destination
// serves the same digests. A schema1 image goes as it is or as its schema2 conversion
// (Schema1Mode).
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/blob_transfer.hpp"
#include "engine/copy/image_sink.hpp"
#include "engine/copy/image_source.hpp"
#include "engine/copy/transfer_limiter.hpp"
#include "engine/plan/schema1_mode.hpp"
#include "metrics/metrics.hpp"

#include <memory>
#include <optional>
#include <string>

namespace regmigrate::engine {

class Schema1Converter;

inline constexpr std::size_t default_image_parallelism = 6;

struct CopyOptions {
    // "os/arch[/variant]": copy only this platform of an index, pushed as the tag itself.
    std::optional<std::string> platform;
    Schema1Mode schema1 = Schema1Mode::automatic;
    // How many blobs of one image (and manifests of an index's children) move at once.
    // The run's TransferLimiter bounds the transfers of all images together.
    std::size_t image_parallelism = default_image_parallelism;
};

class ImageCopier {
  public:
    ImageCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                CopyOptions options);
    ~ImageCopier();

    // Copies source:reference to sink as target (a tag; empty: by digest). Returns the
    // digest pushed. A schema1 image pushed as its schema2 conversion sets
    // *converted_from, when given, to the source's digest.
    boost::asio::awaitable<Expected<std::string>> copy(ImageSource& source, std::string reference,
                                                       ImageSink& sink, std::string target,
                                                       std::string* converted_from = nullptr);

    // The digest a schema1 image at source:reference converts to; nullopt when it is not
    // schema1 or schema1 images are kept. Reads the layers; pushes nothing.
    boost::asio::awaitable<Expected<std::optional<std::string>>> conversion_digest(
        ImageSource& source, const std::string& reference);

    const CopyOptions& options() const { return options_; }

  private:
    // The image `data` (already read) and everything it references.
    boost::asio::awaitable<Expected<std::string>> copy_image(ImageSource& source,
                                                             const registry::ManifestData& data,
                                                             ImageSink& sink,
                                                             const std::string& target,
                                                             std::string* converted_from);
    // The schema1 image `data` as its schema2 conversion.
    boost::asio::awaitable<Expected<std::string>> push_conversion(
        ImageSource& source, const registry::ManifestData& data, ImageSink& sink,
        const std::string& target, std::string* converted_from);

    BlobTransfer blobs_;
    metrics::Metrics& metrics_;
    CopyOptions options_;
    std::unique_ptr<Schema1Converter> schema1_;
    // automatic mode: this destination refused a schema1 manifest, so the next ones are
    // converted without asking again (a copier serves one pair on one event loop).
    bool destination_refuses_schema1_ = false;
};

}  // namespace regmigrate::engine
