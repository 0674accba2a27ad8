// Placing one blob in a destination: the one path every image takes, whatever its source
// (registry, layout, converted v1 or schema1 image) and destination (registry, layout).
//   1. claim: the run's BlobLedger decides (present, mount from another repository of the
//      registry, wait while another caller places it, or place it); a repository that
//      existed before the run is asked whether it holds the blob already;
//   2. a source on the same registry: mounted from the source repository;
//   3. the bytes: inside a TransferLimiter slot, which reports every transfer's outcome
//      to the adaptive limit (throughput, or a 429/503 throttle), in attempts retried under
//      the destination's policy (else the source's); counted and timed;
//   4. settle: the ledger learns the outcome, so waiters go on.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/image_sink.hpp"
#include "engine/copy/image_source.hpp"
#include "engine/copy/transfer_limiter.hpp"
#include "metrics/metrics.hpp"

#include <optional>
#include <string>

namespace regmigrate::engine {

struct BlobClaim {
    // true: this caller holds the blob's single flight. It places the blob itself (mounts
    // it from its source or uploads it) and then reports the outcome with
    // BlobLedger::settle. false: the blob is in the repository now, nothing is owed.
    bool owned = false;
    // Owned only: the upload session a refused mount opened (a 202 answer), for the upload
    // to use or ImageSink::discard to cancel.
    std::optional<registry::UploadSession> session;
};

// Step 1 for digest in sink:
// - present: counted "deduped";
// - mount: mounted from the repository the ledger names and counted "mounted"; when the
//   registry refuses (202), it is marked as not mounting and the ledger is asked again,
//   since another caller may have placed the blob meanwhile;
// - upload: when the sink is not fresh, it is asked whether it holds the blob already
//   (counted "existing"); otherwise owned.
// An error from the mount or the check releases the single flight and is returned.
boost::asio::awaitable<Expected<BlobClaim>> claim_blob(BlobLedger& ledger,
                                                       metrics::Metrics& metrics, ImageSink& sink,
                                                       const std::string& digest,
                                                       std::uint64_t size);

class BlobTransfer {
  public:
    BlobTransfer(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics)
        : ledger_(ledger), limiter_(limiter), metrics_(metrics) {}

    // Makes digest (size bytes) present in sink, read from source if its bytes must move.
    // cancelled, when set and true, makes the next attempt fail at once (a sibling blob of
    // the image failed): what was started is cleaned up and the ledger released.
    boost::asio::awaitable<Expected<void>> place(ImageSource& source, ImageSink& sink,
                                                 const std::string& digest, std::uint64_t size,
                                                 const bool* cancelled = nullptr);

  private:
    // Step 2. true: mounted (counted); false: refused, the registry is marked as not
    // mounting and session holds the upload it opened instead.
    boost::asio::awaitable<Expected<bool>> mount_from_source(
        const BlobOrigin& origin, ImageSink& sink, const std::string& digest,
        std::optional<registry::UploadSession>& session);
    // Step 3.
    boost::asio::awaitable<Expected<void>> move_bytes(
        ImageSource& source, ImageSink& sink, const std::string& digest, std::uint64_t size,
        std::optional<registry::UploadSession> session, const bool* cancelled);

    BlobLedger& ledger_;
    TransferLimiter& limiter_;
    metrics::Metrics& metrics_;
};

}  // namespace regmigrate::engine
