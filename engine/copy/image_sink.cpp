#include "engine/copy/image_sink.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "transport/log.hpp"

#include <array>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::UploadSession;

asio::awaitable<Expected<registry::MountResult>> ImageSink::mount_blob(std::string, std::string) {
    co_return make_error(ErrorKind::unsupported, describe() + " cannot mount blobs");
}

asio::awaitable<void> ImageSink::discard(std::optional<UploadSession>& session) {
    session.reset();
    co_return;
}

ResumeFrom resume_from(bool has_session, bool chunked, ErrorKind failure) {
    if (has_session && chunked && failure != ErrorKind::digest_mismatch)
        return ResumeFrom::registry_offset;
    return ResumeFrom::fresh_upload;
}

bool usable_offset(std::uint64_t held, std::uint64_t size) {
    return held <= size;
}

namespace {

// Reads (and so hashes) the first `count` bytes of the blob without sending them: the part
// a resumed chunked upload already holds.
asio::awaitable<Expected<void>> skip_prefix(transport::BodySource& body, std::uint64_t count) {
    std::array<char, 64 * 1024> scratch;
    std::uint64_t skipped = 0;
    while (skipped < count) {
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(scratch.size(), count - skipped));
        auto got = co_await body.read(asio::buffer(scratch.data(), want));
        if (!got)
            co_return got.error();
        if (*got == 0)
            co_return make_error(ErrorKind::protocol, "blob ended before the resumed offset");
        skipped += *got;
    }
    co_return Expected<void>{};
}

// Streams a blob GET→PUT; an attempt after a broken one continues a chunked upload from
// the registry's Range, anything else (a monolithic upload, content that does not hash)
// starts again in a fresh upload.
class RegistryBlobWriter final : public BlobWriter {
  public:
    RegistryBlobWriter(RegistryImageSink& sink, std::string digest, std::uint64_t size,
                       std::optional<UploadSession> session)
        : sink_(sink), digest_(std::move(digest)), size_(size), session_(std::move(session)) {}

    asio::awaitable<Expected<void>> attempt(ImageSource& source,
                                            const std::optional<Error>& previous) override {
        auto sent = co_await send(source, previous);
        // A 401 here is most likely the answer to the streamed body: the registry no longer
        // took the token it carried (the client dropped it; see unauthorized_step). The
        // body cannot be sent again, so it is read afresh and sent once more with a fresh
        // token, whatever the retry policy: a token expiring mid-run is not a failure of
        // the image. A second 401 (credentials really refused) is the answer.
        if (!sent && sent.error().kind == ErrorKind::unauthorized &&
            sent.error().http_status == 401) {
            log(LogLevel::info, "the registry refused the token sent with a blob: sending again",
                {{"repository", sink_.repository()}, {"digest", digest_}});
            sent = co_await send(source, sent.error());
        }
        co_return sent;
    }

    asio::awaitable<void> abandon() override { co_await sink_.discard(session_); }

  private:
    asio::awaitable<Expected<void>> send(ImageSource& source,
                                         const std::optional<Error>& previous) {
        std::uint64_t offset = 0;
        if (previous)
            offset = co_await resume_offset(*previous);
        auto& client = sink_.client();
        const std::string& repository = sink_.repository();
        // The upload session and the source's body are asked for at once: one round trip
        // less per blob where the registries are far away.
        std::unique_ptr<BlobReader> blob;
        const IndexedWork open = [&](std::size_t step) -> asio::awaitable<Expected<void>> {
            if (step == 0) {
                if (session_)
                    co_return Expected<void>{};
                auto started = co_await client.start_upload(repository);
                if (!started)
                    co_return started.error();
                session_ = std::move(*started);
                offset = 0;
                co_return Expected<void>{};
            }
            auto opened = co_await source.open_blob(digest_, size_);
            if (!opened)
                co_return opened.error();
            blob = std::move(*opened);
            co_return Expected<void>{};
        };
        if (auto ready = co_await for_each_bounded(2, 2, open); !ready)
            co_return ready.error();
        transport::BodySource& body = blob->body();
        if (offset > 0) {
            auto skipped = co_await skip_prefix(body, offset);
            if (!skipped)
                co_return skipped.error();
        }
        co_return co_await client.upload_from(repository, digest_, size_, body, *session_, offset);
    }

    asio::awaitable<std::uint64_t> resume_offset(const Error& failure) {
        auto& client = sink_.client();
        if (resume_from(session_.has_value(), client.uploads_in_chunks(size_), failure.kind) ==
            ResumeFrom::registry_offset) {
            auto held = co_await client.upload_offset(sink_.repository(), *session_);
            if (held && usable_offset(*held, size_))
                co_return *held;
            // distribution refuses the status of an upload whose last chunk broke off midway.
            log(LogLevel::info, "upload cannot be resumed: starting it again",
                {{"repository", sink_.repository()},
                 {"error", held ? "registry holds more than the blob" : held.error().message}});
        }
        co_await sink_.discard(session_);
        co_return 0;
    }

    RegistryImageSink& sink_;
    std::string digest_;
    std::uint64_t size_;
    std::optional<UploadSession> session_;
};

}  // namespace

std::string RegistryImageSink::describe() const {
    return client_.host() + "/" + repository_;
}

asio::awaitable<Expected<std::optional<registry::ManifestHead>>> RegistryImageSink::tag_digest(
    std::string tag) {
    co_return co_await client_.head_manifest(repository_, tag);
}

asio::awaitable<Expected<bool>> RegistryImageSink::has_blob(std::string digest, std::uint64_t) {
    auto existing = co_await client_.blob_size(repository_, digest);
    if (!existing)
        co_return existing.error();
    co_return existing->has_value();
}

asio::awaitable<Expected<registry::MountResult>> RegistryImageSink::mount_blob(
    std::string digest, std::string from_repository) {
    co_return co_await client_.mount_blob(repository_, digest, from_repository);
}

asio::awaitable<void> RegistryImageSink::discard(std::optional<UploadSession>& session) {
    if (!session)
        co_return;
    const UploadSession unwanted = std::move(*session);
    session.reset();
    co_await client_.cancel_upload(repository_, unwanted);
}

std::unique_ptr<BlobWriter> RegistryImageSink::writer(std::string digest, std::uint64_t size,
                                                      std::optional<UploadSession> session) {
    return std::make_unique<RegistryBlobWriter>(*this, std::move(digest), size, std::move(session));
}

asio::awaitable<Expected<void>> RegistryImageSink::put_manifest(std::string_view media_type,
                                                                const std::string& digest,
                                                                const std::string& bytes,
                                                                const std::string& target, bool) {
    auto pushed = co_await client_.put_manifest(repository_, target.empty() ? digest : target,
                                                media_type, bytes);
    if (!pushed)
        co_return pushed.error();
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
