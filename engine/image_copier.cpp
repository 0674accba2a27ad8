#include "engine/image_copier.hpp"

#include "engine/verifying_blob_source.hpp"
#include "registry/media_types.hpp"

#include <chrono>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::Descriptor;
using registry::UploadSession;

ImageCopier::ImageCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                         CopyOptions options)
    : ledger_(ledger), limiter_(limiter), metrics_(metrics), options_(std::move(options)) {}

asio::awaitable<Expected<std::string>> ImageCopier::copy(const Endpoint& source,
                                                         std::string reference,
                                                         const Endpoint& destination,
                                                         std::string target) {
    co_return co_await copy_manifest(source, reference, destination, target);
}

asio::awaitable<Expected<std::string>> ImageCopier::copy_manifest(const Endpoint& source,
                                                                  const std::string& reference,
                                                                  const Endpoint& destination,
                                                                  const std::string& target) {
    auto data = co_await source.client->get_manifest(source.repository, reference);
    if (!data) co_return data.error();
    const auto& manifest = data->manifest;

    if (manifest.is_index()) {
        if (options_.platform) {
            for (const auto& child : manifest.manifests) {
                if (child.platform && child.platform->to_string() == *options_.platform) {
                    co_return co_await copy_manifest(source, child.digest, destination,
                                                     target.empty() ? child.digest : target);
                }
            }
            co_return make_error(ErrorKind::not_found,
                                 source.client->host() + "/" + source.repository + ":" + reference +
                                     " has no image for platform " + *options_.platform);
        }
        // Children first: a registry may refuse an index whose manifests it lacks.
        for (const auto& child : manifest.manifests) {
            auto pushed = co_await copy_manifest(source, child.digest, destination, child.digest);
            if (!pushed) co_return pushed.error();
        }
    } else {
        for (const auto& blob : manifest.blobs()) {
            auto copied = co_await copy_blob(source, destination, blob);
            if (!copied) co_return copied.error();
        }
    }

    auto pushed = co_await destination.client->put_manifest(
        destination.repository, target.empty() ? data->digest : target, data->media_type,
        data->bytes);
    if (!pushed) co_return pushed.error();
    metrics_.manifest_pushed();
    co_return data->digest;
}

asio::awaitable<Expected<void>> ImageCopier::copy_blob(const Endpoint& source,
                                                       const Endpoint& destination,
                                                       const Descriptor& blob) {
    // Non-distributable layers live outside registries: docker never pushes them either.
    if (registry::is_foreign_layer_media_type(blob.media_type)) co_return Expected<void>{};
    if (!blob.digest.starts_with("sha256:")) {
        co_return make_error(ErrorKind::unsupported,
                             "blob " + blob.digest + ": only sha256 digests can be verified");
    }
    const std::string& registry = destination.client->host();
    auto decision = co_await ledger_.acquire(registry, blob.digest, destination.repository);
    if (decision.action == BlobLedger::Action::present) {
        metrics_.blob_finished("deduped");
        co_return Expected<void>{};
    }
    std::optional<UploadSession> session;
    if (decision.action == BlobLedger::Action::mount) {
        auto mounted = co_await try_mount(destination, blob.digest, decision.from_repo, session);
        if (mounted && *mounted) co_return Expected<void>{};
        ledger_.abandoned(registry, blob.digest, destination.repository);
        if (!mounted) co_return mounted.error();
        // Refused: upload it like a blob never seen (another caller may hold it meanwhile).
        decision = co_await ledger_.acquire(registry, blob.digest, destination.repository);
        if (decision.action == BlobLedger::Action::present) {
            metrics_.blob_finished("deduped");
            co_return Expected<void>{};
        }
    }

    // From here this caller owns the blob's single flight and must settle it.
    auto settle = [&](Expected<void> result) -> Expected<void> {
        if (result) {
            ledger_.finished(registry, blob.digest, destination.repository);
        } else {
            ledger_.abandoned(registry, blob.digest, destination.repository);
        }
        return result;
    };
    auto existing = co_await destination.client->blob_size(destination.repository, blob.digest);
    if (!existing) co_return settle(existing.error());
    if (*existing) {
        metrics_.blob_finished("existing");
        co_return settle({});
    }
    if (options_.same_registry && !session) {
        auto mounted = co_await try_mount(destination, blob.digest, source.repository, session);
        if (!mounted) co_return settle(mounted.error());
        if (*mounted) co_return settle({});
    }
    std::uint64_t size = blob.size;
    if (size == 0 && blob.media_type.empty()) {
        // schema1 layers carry no size: ask the source.
        auto source_size = co_await source.client->blob_size(source.repository, blob.digest);
        if (!source_size) co_return settle(source_size.error());
        if (!*source_size) {
            co_return settle(make_error(ErrorKind::not_found,
                                        "blob " + blob.digest + " missing from source"));
        }
        size = **source_size;
    }
    co_return settle(co_await transfer_blob(source, destination, blob.digest, size, std::move(session)));
}

asio::awaitable<Expected<bool>> ImageCopier::try_mount(const Endpoint& destination,
                                                       const std::string& digest,
                                                       const std::string& from_repo,
                                                       std::optional<UploadSession>& session) {
    auto result = co_await destination.client->mount_blob(destination.repository, digest, from_repo);
    if (!result) co_return result.error();
    if (result->mounted) {
        ledger_.finished(destination.client->host(), digest, destination.repository);
        metrics_.blob_finished("mounted");
        co_return true;
    }
    ledger_.refuse_mounts(destination.client->host());
    session = std::move(result->session);
    co_return false;
}

asio::awaitable<Expected<void>> ImageCopier::transfer_blob(const Endpoint& source,
                                                           const Endpoint& destination,
                                                           const std::string& digest,
                                                           std::uint64_t size,
                                                           std::optional<UploadSession> session) {
    co_await limiter_.acquire(size);
    const TransferSlot slot(limiter_, size);
    const auto started = std::chrono::steady_clock::now();
    auto download = co_await source.client->open_blob(source.repository, digest);
    if (!download) co_return download.error();
    const auto announced = download->content_length();
    if (announced && *announced != size) {
        co_return make_error(ErrorKind::digest_mismatch,
                             "blob " + digest + ": source sends " + std::to_string(*announced) +
                                 " bytes, manifest says " + std::to_string(size));
    }
    metrics_.transfer_started();
    VerifyingBlobSource body(*download, digest, size);
    auto uploaded = co_await destination.client->upload_blob(destination.repository, digest, size,
                                                             body, std::move(session));
    metrics_.transfer_finished();
    if (!uploaded) co_return uploaded.error();
    metrics_.blob_finished("uploaded");
    metrics_.add_bytes_transferred(size);
    metrics_.observe_blob_transfer(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
