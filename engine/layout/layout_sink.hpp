// An OCI image layout directory as the image copier's destination: blobs streamed and
// verified into the layout's files, manifests written as blobs, and the image asked for
// entered in index.json (tagged with its ref name, or untagged). What the layout already
// holds is not written again, so a rerun completes an interrupted export.
#pragma once

#include "engine/copy/image_sink.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "metrics/metrics.hpp"

namespace regmigrate::engine {

class LayoutImageSink final : public ImageSink {
  public:
    LayoutImageSink(OciLayoutStore& layout, metrics::Metrics& metrics)
        : layout_(layout), metrics_(metrics) {}

    std::string describe() const override;
    std::string ledger_registry() const override { return describe(); }
    std::string ledger_repository() const override { return {}; }
    bool fresh() const override { return false; }
    boost::asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override;
    boost::asio::awaitable<Expected<bool>> has_blob(std::string digest,
                                                    std::uint64_t size) override;
    std::unique_ptr<BlobWriter> writer(std::string digest, std::uint64_t size,
                                       std::optional<registry::UploadSession> session) override;
    boost::asio::awaitable<Expected<void>> put_manifest(std::string_view media_type,
                                                        const std::string& digest,
                                                        const std::string& bytes,
                                                        const std::string& target,
                                                        bool root) override;

  private:
    OciLayoutStore& layout_;
    metrics::Metrics& metrics_;
};

}  // namespace regmigrate::engine
