#include "engine/copy/blob_claim.hpp"

#include "transport/http/memory_body_source.hpp"
#include "transport/retry/retry_wait.hpp"

#include <chrono>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;

asio::awaitable<Expected<BlobClaim>> claim_blob(BlobLedger& ledger, metrics::Metrics& metrics,
                                                const Endpoint& destination,
                                                const std::string& digest) {
    const std::string& registry = destination.client->host();
    const std::string& repository = destination.repository;
    auto decision = co_await ledger.acquire(registry, digest, repository);
    BlobClaim claim;
    if (decision.action == BlobLedger::Action::mount) {
        auto mounted =
            co_await destination.client->mount_blob(repository, digest, decision.from_repo);
        if (mounted && mounted->mounted) {
            ledger.finished(registry, digest, repository);
            metrics.blob_finished(metrics::BlobOutcome::mounted);
            co_return claim;
        }
        ledger.abandoned(registry, digest, repository);
        if (!mounted)
            co_return mounted.error();
        ledger.refuse_mounts(registry);
        claim.session = std::move(mounted->session);
        // Refused: the blob is now one never seen here, and another caller may hold it.
        decision = co_await ledger.acquire(registry, digest, repository);
    }
    if (decision.action == BlobLedger::Action::present) {
        co_await discard_upload_session(destination, claim.session);
        metrics.blob_finished(metrics::BlobOutcome::deduped);
        co_return claim;
    }
    // A repository that existed before the run may hold the blob without the ledger knowing.
    if (!destination.fresh) {
        auto existing = co_await destination.client->blob_size(repository, digest);
        if (!existing || *existing)
            co_await discard_upload_session(destination, claim.session);
        if (!existing) {
            ledger.abandoned(registry, digest, repository);
            co_return existing.error();
        }
        if (*existing) {
            ledger.finished(registry, digest, repository);
            metrics.blob_finished(metrics::BlobOutcome::existing);
            co_return claim;
        }
    }
    claim.owned = true;
    co_return claim;
}

asio::awaitable<Expected<void>> place_blob(BlobLedger& ledger, TransferLimiter& limiter,
                                           metrics::Metrics& metrics, const Endpoint& destination,
                                           const std::string& digest, std::uint64_t size,
                                           const BlobUpload& upload) {
    auto claim = co_await claim_blob(ledger, metrics, destination, digest);
    if (!claim)
        co_return claim.error();
    if (!claim->owned)
        co_return Expected<void>{};
    // The upload below opens its own session.
    co_await discard_upload_session(destination, claim->session);
    const std::string& registry = destination.client->host();
    auto settle = [&](Expected<void> result) {
        return ledger.settle(registry, digest, destination.repository, std::move(result));
    };
    co_await limiter.acquire(size);
    TransferSlot slot(limiter, size);
    const auto started = std::chrono::steady_clock::now();
    metrics.transfer_started();
    auto attempt = [&](transport::RetryAttempts*) { return upload(); };
    auto uploaded = co_await transport::retry_operation<void>(
        destination.client->retry_policy(), "blob " + digest + " to " + registry, attempt);
    metrics.transfer_finished();
    if (!uploaded)
        co_return settle(slot.failed(uploaded.error()));
    slot.succeeded();
    metrics.blob_finished(metrics::BlobOutcome::uploaded);
    metrics.add_bytes_transferred(size);
    metrics.observe_blob_transfer(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return settle({});
}

asio::awaitable<Expected<void>> place_bytes(BlobLedger& ledger, TransferLimiter& limiter,
                                            metrics::Metrics& metrics, const Endpoint& destination,
                                            const std::string& digest, const std::string& bytes) {
    const BlobUpload upload = [&]() -> asio::awaitable<Expected<void>> {
        transport::MemoryBodySource body(bytes);
        co_return co_await destination.client->upload_blob(destination.repository, digest,
                                                           bytes.size(), body);
    };
    co_return co_await place_blob(ledger, limiter, metrics, destination, digest, bytes.size(),
                                  upload);
}

}  // namespace regmigrate::engine
