#include "engine/blob_claim.hpp"

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
        auto mounted = co_await destination.client->mount_blob(repository, digest,
                                                               decision.from_repo);
        if (mounted && mounted->mounted) {
            ledger.finished(registry, digest, repository);
            metrics.blob_finished("mounted");
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
        metrics.blob_finished("deduped");
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
            metrics.blob_finished("existing");
            co_return claim;
        }
    }
    claim.owned = true;
    co_return claim;
}

}  // namespace regmigrate::engine
