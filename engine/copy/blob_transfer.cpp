#include "engine/copy/blob_transfer.hpp"

#include "transport/retry/retry_wait.hpp"

#include <chrono>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::UploadSession;

asio::awaitable<Expected<BlobClaim>> claim_blob(BlobLedger& ledger, metrics::Metrics& metrics,
                                                ImageSink& sink, const std::string& digest,
                                                std::uint64_t size) {
    const std::string registry = sink.ledger_registry();
    const std::string repository = sink.ledger_repository();
    auto decision = co_await ledger.acquire(registry, digest, repository);
    BlobClaim claim;
    if (decision.action == BlobLedger::Action::mount) {
        auto mounted = co_await sink.mount_blob(digest, decision.from_repo);
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
        co_await sink.discard(claim.session);
        metrics.blob_finished(metrics::BlobOutcome::deduped);
        co_return claim;
    }
    // A repository that existed before the run may hold the blob without the ledger knowing.
    if (!sink.fresh()) {
        auto existing = co_await sink.has_blob(digest, size);
        if (!existing || *existing)
            co_await sink.discard(claim.session);
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

asio::awaitable<Expected<void>> BlobTransfer::place(ImageSource& source, ImageSink& sink,
                                                    const std::string& digest, std::uint64_t size,
                                                    const bool* cancelled) {
    auto claim = co_await claim_blob(ledger_, metrics_, sink, digest, size);
    if (!claim)
        co_return claim.error();
    if (!claim->owned)
        co_return Expected<void>{};
    std::optional<UploadSession>& session = claim->session;
    const std::string registry = sink.ledger_registry();
    const std::string repository = sink.ledger_repository();
    auto settle = [&](Expected<void> result) {
        return ledger_.settle(registry, digest, repository, std::move(result));
    };
    const auto origin = source.origin();
    if (origin && origin->registry == registry && origin->repository != repository && !session &&
        !ledger_.mounts_refused(registry)) {
        auto mounted = co_await mount_from_source(*origin, sink, digest, session);
        if (!mounted)
            co_return settle(mounted.error());
        if (*mounted)
            co_return settle({});
    }
    co_return settle(
        co_await move_bytes(source, sink, digest, size, std::move(session), cancelled));
}

asio::awaitable<Expected<bool>> BlobTransfer::mount_from_source(
    const BlobOrigin& origin, ImageSink& sink, const std::string& digest,
    std::optional<UploadSession>& session) {
    auto result = co_await sink.mount_blob(digest, origin.repository);
    if (!result)
        co_return result.error();
    if (result->mounted) {
        metrics_.blob_finished(metrics::BlobOutcome::mounted);
        co_return true;
    }
    ledger_.refuse_mounts(origin.registry);
    session = std::move(result->session);
    co_return false;
}

asio::awaitable<Expected<void>> BlobTransfer::move_bytes(ImageSource& source, ImageSink& sink,
                                                         const std::string& digest,
                                                         std::uint64_t size,
                                                         std::optional<UploadSession> session,
                                                         const bool* cancelled) {
    co_await limiter_.acquire(size);
    TransferSlot slot(limiter_, size);
    const auto started = std::chrono::steady_clock::now();
    auto writer = sink.writer(digest, size, std::move(session));
    std::optional<Error> previous;
    auto attempt = [&](transport::RetryAttempts*) -> asio::awaitable<Expected<void>> {
        if (cancelled && *cancelled) {
            co_return make_error(
                ErrorKind::cancelled,
                "blob " + digest + ": cancelled, another blob of the image failed");
        }
        auto sent = co_await writer->attempt(source, previous);
        if (!sent)
            previous = slot.failed(sent.error());  // a 429/503 tells the limit to back off
        co_return sent;
    };
    transport::RetryPolicy* retry =
        sink.retry_policy() ? sink.retry_policy() : source.retry_policy();
    const std::string what = "blob " + digest + " to " + sink.describe();
    metrics_.transfer_started();
    auto transferred = co_await transport::retry_operation<void>(retry, what, attempt);
    metrics_.transfer_finished();
    if (!transferred) {
        // Given up: the destination need not keep the half-sent upload until it expires.
        co_await writer->abandon();
        co_return transferred.error();
    }
    slot.succeeded();
    metrics_.blob_finished(metrics::BlobOutcome::uploaded);
    metrics_.add_bytes_transferred(size);
    metrics_.observe_blob_transfer(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
