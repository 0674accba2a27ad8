// The first step of placing a blob in a destination registry, shared by every path that
// pushes blobs there (registry images, converted v1 images): ask the run's BlobLedger, and
// do what it says short of moving bytes — nothing when the repository has it, a
// cross-repository mount when another repository does, a HEAD when the repository existed
// before the run.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/image_copier.hpp"
#include "metrics/metrics.hpp"
#include "registry/distribution/registry_client.hpp"

#include <functional>
#include <optional>
#include <string>

namespace regmigrate::engine {

struct BlobClaim {
    // true: this caller holds the blob's single flight. It places the blob itself (finds it
    // there, mounts it from elsewhere or uploads it) and then reports the outcome with
    // BlobLedger::settle. false: the blob is in the repository now, nothing is owed.
    bool owned = false;
    // Owned only: the upload session a refused mount opened (a 202 answer), for the upload
    // to use or discard_upload_session to cancel.
    std::optional<registry::UploadSession> session;
};

// Carries out the ledger's answer for digest in destination's repository:
// - present: counted "deduped";
// - mount: mounted from the repository the ledger names and counted "mounted"; when the
//   registry refuses (202), it is marked as not mounting and the ledger is asked again,
//   since another caller may have placed the blob meanwhile;
// - upload: when the repository is not fresh, a HEAD asks whether it holds the blob
//   already (counted "existing"); otherwise owned.
// An error from the mount or the HEAD releases the single flight and is returned.
boost::asio::awaitable<Expected<BlobClaim>> claim_blob(BlobLedger& ledger,
                                                       metrics::Metrics& metrics,
                                                       const Endpoint& destination,
                                                       const std::string& digest);

// Sends a blob's bytes in one upload of its own (a converted v1 layer, a config).
using BlobUpload = std::function<boost::asio::awaitable<Expected<void>>()>;

// Makes digest present in destination's repository, calling upload (retried under the
// destination's policy, inside a transfer slot, counted and timed as "uploaded") only when
// claim_blob leaves the blob to this caller; the ledger learns the outcome.
boost::asio::awaitable<Expected<void>> place_blob(BlobLedger& ledger, TransferLimiter& limiter,
                                                  metrics::Metrics& metrics,
                                                  const Endpoint& destination,
                                                  const std::string& digest, std::uint64_t size,
                                                  const BlobUpload& upload);
// place_blob for bytes in memory (a config JSON).
boost::asio::awaitable<Expected<void>> place_bytes(BlobLedger& ledger, TransferLimiter& limiter,
                                                   metrics::Metrics& metrics,
                                                   const Endpoint& destination,
                                                   const std::string& digest,
                                                   const std::string& bytes);

}  // namespace regmigrate::engine
