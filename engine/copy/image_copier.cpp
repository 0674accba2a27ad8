#include "engine/copy/image_copier.hpp"

#include "engine/copy/blob_claim.hpp"
#include "engine/copy/schema1_converter.hpp"
#include "engine/copy/verifying_blob_source.hpp"
#include "engine/layout/layout_source.hpp"
#include "registry/types/media_types.hpp"
#include "transport/log.hpp"
#include "transport/retry/retry_wait.hpp"

#include <array>
#include <chrono>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::Descriptor;
using registry::UploadSession;

ImageCopier::ImageCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                         CopyOptions options)
    : ledger_(ledger),
      limiter_(limiter),
      metrics_(metrics),
      options_(std::move(options)),
      schema1_(std::make_unique<Schema1Converter>()) {}

ImageCopier::~ImageCopier() = default;

asio::awaitable<Expected<std::string>> ImageCopier::copy(const Endpoint& source,
                                                         std::string reference,
                                                         const Endpoint& destination,
                                                         std::string target,
                                                         std::string* converted_from) {
    co_return co_await copy_manifest(source, reference, destination, target, converted_from);
}

asio::awaitable<Expected<std::optional<std::string>>> ImageCopier::conversion_digest(
    const Endpoint& source, const std::string& reference) {
    if (options_.schema1 == Schema1Mode::keep)
        co_return std::optional<std::string>();
    auto data = co_await read_source_manifest(source, reference);
    if (!data)
        co_return data.error();
    if (!registry::is_schema1_media_type(data->media_type))
        co_return std::optional<std::string>();
    auto conversion = co_await schema1_->convert(source, *data);
    if (!conversion)
        co_return conversion.error();
    co_return std::optional<std::string>(conversion->image.digest);
}

asio::awaitable<Expected<std::string>> ImageCopier::push_conversion(
    const Endpoint& source, const registry::ManifestData& data, const Endpoint& destination,
    const std::string& target, std::string* converted_from) {
    auto conversion = co_await schema1_->convert(source, data);
    if (!conversion)
        co_return conversion.error();
    for (const auto& layer : conversion->layers) {
        auto copied = co_await copy_blob(source, destination, layer);
        if (!copied)
            co_return copied.error();
    }
    const auto& image = conversion->image;
    auto config = co_await place_bytes(ledger_, limiter_, metrics_, destination,
                                       image.config_digest, image.config);
    if (!config)
        co_return config.error();
    auto pushed = co_await destination.client->put_manifest(
        destination.repository, target.empty() ? image.digest : target,
        registry::media_type::docker_manifest, image.manifest);
    if (!pushed)
        co_return pushed.error();
    metrics_.manifest_pushed();
    metrics_.schema1_converted();
    log(LogLevel::info, "schema1 image converted to schema2",
        {{"source", describe_source(source) + "@" + data.digest},
         {"destination",
          destination.client->host() + "/" + destination.repository + "@" + image.digest}});
    if (converted_from)
        *converted_from = data.digest;
    co_return image.digest;
}

asio::awaitable<Expected<std::string>> ImageCopier::copy_manifest(const Endpoint& source,
                                                                  const std::string& reference,
                                                                  const Endpoint& destination,
                                                                  const std::string& target,
                                                                  std::string* converted_from) {
    auto data = co_await read_source_manifest(source, reference);
    if (!data)
        co_return data.error();
    const auto& manifest = data->manifest;
    const bool schema1 = registry::is_schema1_media_type(data->media_type);
    if (schema1 && (options_.schema1 == Schema1Mode::convert ||
                    (options_.schema1 == Schema1Mode::automatic && destination_refuses_schema1_))) {
        co_return co_await push_conversion(source, *data, destination, target, converted_from);
    }

    if (manifest.is_index()) {
        if (options_.platform) {
            for (const auto& child : manifest.manifests) {
                if (child.platform && child.platform->to_string() == *options_.platform) {
                    co_return co_await copy_manifest(source, child.digest, destination,
                                                     target.empty() ? child.digest : target,
                                                     converted_from);
                }
            }
            co_return make_error(ErrorKind::not_found, describe_source(source) + ":" + reference +
                                                           " has no image for platform " +
                                                           *options_.platform);
        }
        // Children first: a registry may refuse an index whose manifests it lacks.
        for (const auto& child : manifest.manifests) {
            auto pushed =
                co_await copy_manifest(source, child.digest, destination, child.digest, nullptr);
            if (!pushed)
                co_return pushed.error();
        }
    } else {
        for (const auto& blob : manifest.blobs()) {
            auto copied = co_await copy_blob(source, destination, blob);
            if (!copied)
                co_return copied.error();
        }
    }

    auto pushed = co_await destination.client->put_manifest(destination.repository,
                                                            target.empty() ? data->digest : target,
                                                            data->media_type, data->bytes);
    if (!pushed && schema1 && options_.schema1 == Schema1Mode::automatic &&
        pushed.error().kind == ErrorKind::unsupported) {
        log(LogLevel::info, "destination refuses schema1 manifests: converting to schema2",
            {{"destination", destination.client->host()}, {"error", pushed.error().message}});
        destination_refuses_schema1_ = true;
        co_return co_await push_conversion(source, *data, destination, target, converted_from);
    }
    if (!pushed)
        co_return pushed.error();
    metrics_.manifest_pushed();
    co_return data->digest;
}

asio::awaitable<Expected<void>> ImageCopier::copy_blob(const Endpoint& source,
                                                       const Endpoint& destination,
                                                       const Descriptor& blob) {
    // Non-distributable layers live outside registries: docker never pushes them either.
    if (registry::is_foreign_layer_media_type(blob.media_type))
        co_return Expected<void>{};
    if (!blob.digest.starts_with("sha256:")) {
        co_return make_error(ErrorKind::unsupported,
                             "blob " + blob.digest + ": only sha256 digests can be verified");
    }
    auto claim = co_await claim_blob(ledger_, metrics_, destination, blob.digest);
    if (!claim)
        co_return claim.error();
    if (!claim->owned)
        co_return Expected<void>{};
    std::optional<UploadSession>& session = claim->session;
    auto settle = [&](Expected<void> result) {
        return ledger_.settle(destination.client->host(), blob.digest, destination.repository,
                              std::move(result));
    };
    if (options_.same_registry && !session) {
        auto mounted = co_await mount_from_source(source, destination, blob.digest, session);
        if (!mounted)
            co_return settle(mounted.error());
        if (*mounted)
            co_return settle({});
    }
    auto size = co_await size_to_copy(source, blob);
    if (!size)
        co_return settle(size.error());
    co_return settle(
        co_await transfer_blob(source, destination, blob.digest, *size, std::move(session)));
}

asio::awaitable<void> discard_upload_session(const Endpoint& destination,
                                             std::optional<UploadSession>& session) {
    if (!session)
        co_return;
    const UploadSession unwanted = std::move(*session);
    session.reset();
    co_await destination.client->cancel_upload(destination.repository, unwanted);
}

asio::awaitable<Expected<bool>> ImageCopier::mount_from_source(
    const Endpoint& source, const Endpoint& destination, const std::string& digest,
    std::optional<UploadSession>& session) {
    auto result =
        co_await destination.client->mount_blob(destination.repository, digest, source.repository);
    if (!result)
        co_return result.error();
    if (result->mounted) {
        metrics_.blob_finished(metrics::BlobOutcome::mounted);
        co_return true;
    }
    ledger_.refuse_mounts(destination.client->host());
    session = std::move(result->session);
    co_return false;
}

namespace {

// Reads (and so hashes) the first `count` bytes of the blob without sending them: the part
// a resumed chunked upload already holds.
asio::awaitable<Expected<void>> skip_prefix(VerifyingBlobSource& body, std::uint64_t count) {
    std::array<char, 64 * 1024> scratch;
    while (body.bytes_read() < count) {
        const auto want = static_cast<std::size_t>(
            std::min<std::uint64_t>(scratch.size(), count - body.bytes_read()));
        auto got = co_await body.read(asio::buffer(scratch.data(), want));
        if (!got)
            co_return got.error();
    }
    co_return Expected<void>{};
}

}  // namespace

asio::awaitable<Expected<void>> ImageCopier::transfer_blob(const Endpoint& source,
                                                           const Endpoint& destination,
                                                           const std::string& digest,
                                                           std::uint64_t size,
                                                           std::optional<UploadSession> session) {
    co_await limiter_.acquire(size);
    const TransferSlot slot(limiter_, size);
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t offset = 0;
    std::optional<Error> failure;
    auto attempt = [&](transport::RetryAttempts*) -> asio::awaitable<Expected<void>> {
        if (failure)
            offset = co_await resume_offset(destination, size, session, *failure);
        auto sent = co_await stream_blob(source, destination, digest, size, session, offset);
        if (!sent)
            failure = sent.error();
        co_return sent;
    };
    const std::string what =
        "blob " + digest + " to " + destination.client->host() + "/" + destination.repository;
    metrics_.transfer_started();
    auto transferred = co_await transport::retry_operation<void>(destination.client->retry_policy(),
                                                                 what, attempt);
    metrics_.transfer_finished();
    if (!transferred) {
        // Given up: the destination need not keep the half-sent upload until it expires.
        if (session)
            co_await destination.client->cancel_upload(destination.repository, *session);
        co_return transferred.error();
    }
    metrics_.blob_finished(metrics::BlobOutcome::uploaded);
    metrics_.add_bytes_transferred(size);
    metrics_.observe_blob_transfer(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    co_return Expected<void>{};
}

asio::awaitable<Expected<void>> ImageCopier::stream_blob(
    const Endpoint& source, const Endpoint& destination, const std::string& digest,
    std::uint64_t size, std::optional<UploadSession>& session, std::uint64_t offset) {
    if (!session) {
        auto started = co_await destination.client->start_upload(destination.repository);
        if (!started)
            co_return started.error();
        session = std::move(*started);
        offset = 0;
    }
    auto blob = co_await SourceBlob::open(source, digest, size);
    if (!blob)
        co_return blob.error();
    VerifyingBlobSource& body = (*blob)->body();
    if (offset > 0) {
        auto skipped = co_await skip_prefix(body, offset);
        if (!skipped)
            co_return skipped.error();
    }
    co_return co_await destination.client->upload_from(destination.repository, digest, size, body,
                                                       *session, offset);
}

asio::awaitable<std::uint64_t> ImageCopier::resume_offset(const Endpoint& destination,
                                                          std::uint64_t size,
                                                          std::optional<UploadSession>& session,
                                                          const Error& failure) {
    // Damaged content poisons what was sent: that upload is abandoned, never committed.
    if (session && failure.kind != ErrorKind::digest_mismatch &&
        destination.client->uploads_in_chunks(size)) {
        auto held = co_await destination.client->upload_offset(destination.repository, *session);
        if (held && *held <= size)
            co_return *held;
        // distribution refuses the status of an upload whose last chunk broke off midway.
        log(LogLevel::info, "upload cannot be resumed: starting it again",
            {{"repository", destination.repository},
             {"error", held ? "registry holds more than the blob" : held.error().message}});
    }
    if (session)
        co_await destination.client->cancel_upload(destination.repository, *session);
    session.reset();
    co_return 0;
}

}  // namespace regmigrate::engine
