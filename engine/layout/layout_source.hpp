// The source side of ImageCopier when it may be an OCI image layout rather than a
// registry: manifests and blobs read from either, blob bodies always verified.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/copy/verifying_blob_source.hpp"
#include "engine/layout/oci_layout_store.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

// The image `reference` (a tag, i.e. a ref name, or a digest) of the layout, its bytes
// checked against their digest.
Expected<registry::ManifestData> read_layout_manifest(const OciLayoutStore& layout,
                                                      std::string_view reference);

// "HOST/REPO" or "oci:DIR", for messages.
std::string describe_source(const Endpoint& source);

boost::asio::awaitable<Expected<registry::ManifestData>> read_source_manifest(
    const Endpoint& source, std::string reference);

// The blob's size at the source, nullopt when absent.
boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> source_blob_size(
    const Endpoint& source, std::string digest);

// The size of a blob to copy: its descriptor's, or for a schema1 layer (which carries
// none) the source's; an error when the source does not have it.
boost::asio::awaitable<Expected<std::uint64_t>> size_to_copy(const Endpoint& source,
                                                             const registry::Descriptor& blob);

// One read of a blob from the source, verified against digest and size as it flows.
class SourceBlob {
  public:
    // Refuses a body whose announced length is not size.
    static boost::asio::awaitable<Expected<std::unique_ptr<SourceBlob>>> open(
        const Endpoint& source, std::string digest, std::uint64_t size);

    VerifyingBlobSource& body() { return *body_; }

  private:
    SourceBlob() = default;

    std::optional<transport::ResponseStream> download_;
    std::unique_ptr<OciLayoutBlobReader> file_;
    std::optional<VerifyingBlobSource> body_;
};

}  // namespace regmigrate::engine
