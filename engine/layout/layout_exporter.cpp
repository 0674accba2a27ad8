#include "engine/layout/layout_exporter.hpp"

#include "engine/layout/layout_source.hpp"
#include "registry/types/media_types.hpp"
#include "transport/retry/retry_wait.hpp"

#include <chrono>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// The ledger's name for a layout: one "registry" holding a single repository.
std::string ledger_key(const OciLayoutStore& layout) {
    return "oci:" + layout.directory().string();
}

}  // namespace

LayoutExporter::LayoutExporter(BlobLedger& ledger, TransferLimiter& limiter,
                               metrics::Metrics& metrics, CopyOptions options)
    : ledger_(ledger), limiter_(limiter), metrics_(metrics), options_(std::move(options)) {}

asio::awaitable<Expected<std::string>> LayoutExporter::copy(const Endpoint& source,
                                                            std::string reference,
                                                            OciLayoutStore& layout,
                                                            std::string tag) {
    co_return co_await copy_manifest(source, reference, layout, tag, true);
}

asio::awaitable<Expected<std::string>> LayoutExporter::copy_manifest(const Endpoint& source,
                                                                     const std::string& reference,
                                                                     OciLayoutStore& layout,
                                                                     const std::string& tag,
                                                                     bool root) {
    auto data = co_await read_source_manifest(source, reference);
    if (!data)
        co_return data.error();
    const auto& manifest = data->manifest;
    if (manifest.is_index()) {
        if (root && options_.platform) {
            for (const auto& child : manifest.manifests) {
                if (child.platform && child.platform->to_string() == *options_.platform)
                    co_return co_await copy_manifest(source, child.digest, layout, tag, true);
            }
            co_return make_error(ErrorKind::not_found, describe_source(source) + ":" + reference +
                                                           " has no image for platform " +
                                                           *options_.platform);
        }
        const std::string untagged;
        for (const auto& child : manifest.manifests) {
            auto written = co_await copy_manifest(source, child.digest, layout, untagged, false);
            if (!written)
                co_return written.error();
        }
    } else {
        for (const auto& blob : manifest.blobs()) {
            auto copied = co_await copy_blob(source, layout, blob);
            if (!copied)
                co_return copied.error();
        }
    }
    if (auto stored =
            store_manifest(layout, data->media_type, data->digest, data->bytes, tag, root);
        !stored)
        co_return stored.error();
    co_return data->digest;
}

Expected<void> LayoutExporter::store_manifest(OciLayoutStore& layout, std::string_view media_type,
                                              const std::string& digest, std::string_view bytes,
                                              const std::string& tag, bool root) {
    auto written = layout.write_bytes(digest, bytes);
    if (!written)
        return written.error();
    metrics_.add_bytes_transferred(*written);
    metrics_.manifest_pushed();
    if (!root)
        return {};
    registry::OciLayoutEntry entry{std::string(media_type), digest, bytes.size(), {}};
    if (!tag.empty())
        entry.annotations.emplace(registry::oci_ref_name_annotation, tag);
    return layout.update_index(std::move(entry));
}

asio::awaitable<Expected<void>> LayoutExporter::copy_blob(const Endpoint& source,
                                                          OciLayoutStore& layout,
                                                          const registry::Descriptor& blob) {
    // Non-distributable layers live outside registries, and so outside the layout.
    if (registry::is_foreign_layer_media_type(blob.media_type))
        co_return Expected<void>{};
    auto size = co_await size_to_copy(source, blob);
    if (!size)
        co_return size.error();
    const std::string& digest = blob.digest;
    const std::uint64_t bytes = *size;
    // Each attempt reads the blob afresh into a fresh temporary file.
    const BlobWrite write = [&]() -> asio::awaitable<Expected<std::uint64_t>> {
        auto opened = co_await SourceBlob::open(source, digest, bytes);
        if (!opened)
            co_return opened.error();
        co_return co_await layout.write_blob(digest, bytes, (*opened)->body());
    };
    co_return co_await place_blob(layout, digest, bytes,
                                  source.client ? source.client->retry_policy() : nullptr, write);
}

asio::awaitable<Expected<void>> LayoutExporter::place_blob(OciLayoutStore& layout,
                                                           const std::string& digest,
                                                           std::uint64_t size,
                                                           transport::RetryPolicy* retry,
                                                           const BlobWrite& write) {
    const std::string key = ledger_key(layout);
    // One repository per layout: the ledger never answers mount, only single flight.
    const std::string repository;
    auto decision = co_await ledger_.acquire(key, digest, repository);
    if (decision.action == BlobLedger::Action::present) {
        metrics_.blob_finished(metrics::BlobOutcome::deduped);
        co_return Expected<void>{};
    }
    auto settle = [&](Expected<void> result) {
        return ledger_.settle(key, digest, repository, std::move(result));
    };
    auto existing = layout.blob_size(digest);
    if (!existing)
        co_return settle(existing.error());
    if (*existing && **existing == size) {
        metrics_.blob_finished(metrics::BlobOutcome::existing);
        co_return settle({});
    }
    co_return settle(co_await transfer_blob(layout, digest, size, retry, write));
}

asio::awaitable<Expected<void>> LayoutExporter::transfer_blob(OciLayoutStore& layout,
                                                              const std::string& digest,
                                                              std::uint64_t size,
                                                              transport::RetryPolicy* retry,
                                                              const BlobWrite& write) {
    co_await limiter_.acquire(size);
    const TransferSlot slot(limiter_, size);
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t written = 0;
    auto attempt = [&](transport::RetryAttempts*) -> asio::awaitable<Expected<void>> {
        auto stored = co_await write();
        if (!stored)
            co_return stored.error();
        written = *stored;
        co_return Expected<void>{};
    };
    const std::string what = "blob " + digest + " to oci:" + layout.directory().string();
    metrics_.transfer_started();
    auto transferred = co_await transport::retry_operation<void>(retry, what, attempt);
    metrics_.transfer_finished();
    if (!transferred)
        co_return transferred.error();
    metrics_.blob_finished(metrics::BlobOutcome::uploaded);
    metrics_.add_bytes_transferred(written);
    metrics_.observe_blob_transfer(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
