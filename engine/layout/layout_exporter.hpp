// Copies images from a registry repository into an OCI image layout: blobs first, streamed
// and verified into the layout's files, then the manifest bytes exactly as read (index
// children before the index), then the tag in index.json. What the layout already holds is
// not written again, so a rerun completes an interrupted export and writes nothing more.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/image_copier.hpp"
#include "engine/copy/transfer_limiter.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "metrics/metrics.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

class LayoutExporter {
  public:
    // options.platform: only that platform of an index, written as the tagged image.
    LayoutExporter(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                   CopyOptions options);

    // source:reference into layout, tagged `tag` there (empty: an untagged entry).
    // Returns the digest written.
    boost::asio::awaitable<Expected<std::string>> copy(const Endpoint& source,
                                                       std::string reference,
                                                       OciLayoutStore& layout, std::string tag);

    // One attempt at streaming a blob into the layout (OciLayoutStore::write_blob);
    // returns the bytes written.
    using BlobWrite = std::function<boost::asio::awaitable<Expected<std::uint64_t>>()>;
    // digest (size bytes) into layout, unless the layout holds it or another worker is
    // writing it; attempts are retried under retry (null: one attempt). For blobs that do
    // not come from a registry (converted v1 layers).
    boost::asio::awaitable<Expected<void>> place_blob(OciLayoutStore& layout,
                                                      const std::string& digest, std::uint64_t size,
                                                      transport::RetryPolicy* retry,
                                                      const BlobWrite& write);
    // A manifest's bytes as its digest, then (root) its index.json entry, tagged unless
    // tag is empty.
    Expected<void> store_manifest(OciLayoutStore& layout, std::string_view media_type,
                                  const std::string& digest, std::string_view bytes,
                                  const std::string& tag, bool root);

  private:
    // The manifest and everything it references; root: the image index.json names.
    boost::asio::awaitable<Expected<std::string>> copy_manifest(const Endpoint& source,
                                                                const std::string& reference,
                                                                OciLayoutStore& layout,
                                                                const std::string& tag, bool root);
    boost::asio::awaitable<Expected<void>> copy_blob(const Endpoint& source, OciLayoutStore& layout,
                                                     const registry::Descriptor& blob);
    boost::asio::awaitable<Expected<void>> transfer_blob(OciLayoutStore& layout,
                                                         const std::string& digest,
                                                         std::uint64_t size,
                                                         transport::RetryPolicy* retry,
                                                         const BlobWrite& write);

    BlobLedger& ledger_;
    TransferLimiter& limiter_;
    metrics::Metrics& metrics_;
    CopyOptions options_;
};

}  // namespace regmigrate::engine
