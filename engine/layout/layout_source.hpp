// An OCI image layout directory as the image copier's source: manifests by ref name or
// digest from index.json and the blob files, each checked against its digest.
#pragma once

#include "engine/copy/image_source.hpp"
#include "engine/layout/oci_layout_store.hpp"

#include <string>
#include <string_view>

namespace regmigrate::engine {

// What the layout's index.json names `tag` (its ref name), nullopt when nothing.
Expected<std::optional<registry::ManifestHead>> layout_tag(const OciLayoutStore& layout,
                                                           std::string_view tag);

// The image `reference` (a tag, i.e. a ref name, or a digest) of the layout, its bytes
// checked against their digest.
Expected<registry::ManifestData> read_layout_manifest(const OciLayoutStore& layout,
                                                      std::string_view reference);

class LayoutImageSource final : public ImageSource {
  public:
    explicit LayoutImageSource(const OciLayoutStore& layout) : layout_(layout) {}

    std::string describe() const override;
    boost::asio::awaitable<Expected<registry::ManifestData>> read_manifest(
        std::string reference) override;
    boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override;
    boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(
        std::string digest) override;
    boost::asio::awaitable<Expected<std::unique_ptr<BlobReader>>> open_blob(
        std::string digest, std::uint64_t size) override;

  private:
    const OciLayoutStore& layout_;
};

}  // namespace regmigrate::engine
