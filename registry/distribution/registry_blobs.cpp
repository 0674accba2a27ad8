// RegistryClient's blob half: existence, download, cross-repo mount, uploads.
#include "registry/distribution/registry_client.hpp"

#include "registry/distribution/registry_error.hpp"
#include "registry/distribution/upload_range.hpp"
#include "transport/log.hpp"
#include "transport/retry/retry_wait.hpp"

#include <algorithm>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using transport::BodySource;
using transport::HttpRequest;
using transport::ResponseStream;
using transport::retry_operation;
using transport::RetryAttempts;

namespace {

// Passes at most `limit` bytes of another source: one upload chunk.
class LimitedSource final : public BodySource {
  public:
    LimitedSource(BodySource& inner, std::uint64_t limit) : inner_(inner), remaining_(limit) {}
    asio::awaitable<Expected<std::size_t>> read(asio::mutable_buffer buffer) override {
        if (remaining_ == 0)
            co_return std::size_t{0};
        const auto size =
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining_));
        auto got = co_await inner_.read(asio::buffer(buffer.data(), size));
        if (got && *got == 0) {
            co_return make_error(ErrorKind::protocol,
                                 "blob source ended before its announced size");
        }
        if (got)
            remaining_ -= *got;
        co_return got;
    }

  private:
    BodySource& inner_;
    std::uint64_t remaining_;
};

// A 202 that opened an upload (to POST, or to a mount the registry declined): its session.
asio::awaitable<Expected<UploadSession>> opened_session(ResponseStream& response,
                                                        boost::urls::url_view registry_url,
                                                        const std::string& context) {
    auto session = upload_session_from(response, response.url(), registry_url);
    co_await response.discard();
    if (!session)
        co_return with_context(session.error(), context);
    co_return session;
}

}  // namespace

asio::awaitable<Expected<std::optional<std::uint64_t>>> RegistryClient::blob_size(
    std::string_view repo, std::string_view digest) {
    const std::string context =
        "blob " + host_ + "/" + std::string(repo) + "@" + std::string(digest);
    auto attempt =
        [&](RetryAttempts* attempts) -> asio::awaitable<Expected<std::optional<std::uint64_t>>> {
        HttpRequest request;
        request.method = http::verb::head;
        request.url = url_for("/v2/" + std::string(repo) + "/blobs/" + std::string(digest));
        auto response = co_await send(std::move(request), pull_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() == 404)
            co_return std::optional<std::uint64_t>{};
        if (response->status() != 200) {
            co_return error_from_response(response->status(), "", context);
        }
        const std::string length = response->header("Content-Length");
        const auto size = parse_byte_count(length);
        if (!size) {
            co_return make_error(ErrorKind::protocol,
                                 context + ": HEAD answered without a valid Content-Length " +
                                     quote_for_message(length, 40));
        }
        co_return std::optional<std::uint64_t>{*size};
    };
    co_return co_await retry_operation<std::optional<std::uint64_t>>(options_.retry.get(), context,
                                                                     attempt);
}

asio::awaitable<Expected<ResponseStream>> RegistryClient::open_blob(std::string_view repo,
                                                                    std::string_view digest) {
    const std::string context =
        "blob " + host_ + "/" + std::string(repo) + "@" + std::string(digest);
    // Only the request is retried here; a body broken while it streams is the caller's.
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<ResponseStream>> {
        HttpRequest request;
        request.url = url_for("/v2/" + std::string(repo) + "/blobs/" + std::string(digest));
        auto response = co_await send(std::move(request), pull_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 200)
            co_return co_await explain_response(*response, context);
        co_return response;
    };
    co_return co_await retry_operation<ResponseStream>(options_.retry.get(), context, attempt);
}

asio::awaitable<Expected<MountResult>> RegistryClient::mount_blob(std::string_view repo,
                                                                  std::string_view digest,
                                                                  std::string_view from_repo) {
    const std::string context = "mounting " + std::string(digest) + " from " +
                                std::string(from_repo) + " into " + host_ + "/" + std::string(repo);
    // One token covering both repositories, as the distribution token spec describes.
    // (Scopes built outside the co_await: GCC 12 miscompiles initializer lists there.)
    const Scopes scopes{repository_scope(repo, "pull,push"), repository_scope(from_repo, "pull")};
    // A repeated mount is harmless: at worst it opens an upload session that is never used.
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<MountResult>> {
        HttpRequest request;
        request.method = http::verb::post;
        request.url = url_for("/v2/" + std::string(repo) + "/blobs/uploads/");
        request.url.params().append({"mount", digest});
        request.url.params().append({"from", from_repo});
        auto response = co_await send(std::move(request), scopes, attempts);
        if (!response)
            co_return response.error();
        MountResult result;
        if (response->status() == 201) {
            co_await response->discard();
            result.mounted = true;
            co_return result;
        }
        if (response->status() != 202)
            co_return co_await explain_response(*response, context);
        auto session = co_await opened_session(*response, url_for("/"), context);
        if (!session)
            co_return session.error();
        result.session = std::move(*session);
        co_return result;
    };
    co_return co_await retry_operation<MountResult>(options_.retry.get(), context, attempt);
}

asio::awaitable<Expected<UploadSession>> RegistryClient::start_upload(std::string_view repo) {
    const std::string context = "starting upload to " + host_ + "/" + std::string(repo);
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<UploadSession>> {
        HttpRequest request;
        request.method = http::verb::post;
        request.url = url_for("/v2/" + std::string(repo) + "/blobs/uploads/");
        auto response = co_await send(std::move(request), push_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 202)
            co_return co_await explain_response(*response, context);
        co_return co_await opened_session(*response, url_for("/"), context);
    };
    co_return co_await retry_operation<UploadSession>(options_.retry.get(), context, attempt);
}

asio::awaitable<Expected<std::uint64_t>> RegistryClient::upload_offset(
    std::string_view repo, const UploadSession& session) {
    const std::string context = "checking upload to " + host_ + "/" + std::string(repo);
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<std::uint64_t>> {
        HttpRequest request;
        request.url = session.location;
        auto response = co_await send(std::move(request), push_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 204)
            co_return co_await explain_response(*response, context);
        const std::string range = response->header("Range");
        co_await response->discard();
        // No Range: the registry holds nothing of this upload yet.
        if (range.empty())
            co_return std::uint64_t{0};
        auto offset = parse_upload_range(range);
        if (!offset)
            co_return with_context(offset.error(), context);
        co_return *offset;
    };
    co_return co_await retry_operation<std::uint64_t>(options_.retry.get(), context, attempt);
}

asio::awaitable<void> RegistryClient::cancel_upload(std::string_view repo,
                                                    const UploadSession& session) {
    const std::string context = "cancelling upload to " + host_ + "/" + std::string(repo);
    // One try within the client's request timeouts: the registry expires abandoned uploads
    // eventually anyway, so a failure here only leaves it some disk to reclaim later.
    HttpRequest request;
    request.method = http::verb::delete_;
    request.url = session.location;
    auto response = co_await send(std::move(request), push_scope(repo));
    std::optional<Error> failure;
    if (!response) {
        failure = with_context(response.error(), context);
    } else if (response->status() != 204 && response->status() != 404) {
        failure = co_await explain_response(*response, context);
    } else {
        co_await response->discard();
    }
    if (failure)
        log(LogLevel::debug, "abandoned upload not cancelled", {{"error", failure->message}});
}

bool RegistryClient::uploads_in_chunks(std::uint64_t size) const {
    return options_.chunk_size > 0 && size > options_.chunk_size;
}

asio::awaitable<Expected<void>> RegistryClient::upload_chunks(std::string_view repo,
                                                              UploadSession& session,
                                                              std::uint64_t size, BodySource& body,
                                                              std::uint64_t offset) {
    const std::uint64_t chunk = choose_chunk_size(options_.chunk_size, session.min_chunk);
    while (offset < size) {
        const std::uint64_t length = std::min(chunk, size - offset);
        LimitedSource piece(body, length);
        HttpRequest request;
        request.method = http::verb::patch;
        request.url = session.location;
        request.headers.set(http::field::content_type, "application/octet-stream");
        request.headers.set("Content-Range", content_range(offset, offset + length - 1));
        request.body_source = &piece;
        request.content_length = length;
        auto response = co_await send(std::move(request), push_scope(repo));
        if (!response)
            co_return response.error();
        const std::string context = "uploading chunk at " + std::to_string(offset) + " to " +
                                    host_ + "/" + std::string(repo);
        // 202 is the spec's answer; ECR also answers 201 to a PATCH.
        if (response->status() != 202 && response->status() != 201) {
            co_return co_await explain_response(*response, context);
        }
        auto next = upload_session_from(*response, session.location, url_for("/"));
        const std::string range = response->header("Range");
        co_await response->discard();
        if (!next)
            co_return with_context(next.error(), context);
        if (!range.empty()) {
            auto accepted = parse_upload_range(range);
            if (!accepted || *accepted != offset + length) {
                co_return make_error(
                    ErrorKind::protocol,
                    context + ": registry acknowledged Range " + quote_for_message(range));
            }
        }
        next->min_chunk = session.min_chunk;
        session = std::move(*next);
        offset += length;
    }
    co_return Expected<void>{};
}

asio::awaitable<Expected<void>> RegistryClient::upload_blob(std::string_view repo,
                                                            std::string_view digest,
                                                            std::uint64_t size, BodySource& body,
                                                            std::optional<UploadSession> session) {
    if (!session) {
        auto started = co_await start_upload(repo);
        if (!started)
            co_return started.error();
        session = std::move(*started);
    }
    co_return co_await upload_from(repo, digest, size, body, *session, 0);
}

asio::awaitable<Expected<void>> RegistryClient::upload_from(std::string_view repo,
                                                            std::string_view digest,
                                                            std::uint64_t size, BodySource& body,
                                                            UploadSession& session,
                                                            std::uint64_t offset) {
    const bool chunked = uploads_in_chunks(size);
    if (chunked) {
        auto sent = co_await upload_chunks(repo, session, size, body, offset);
        if (!sent)
            co_return sent.error();
    }
    // Monolithic: the whole body in this PUT. Chunked: an empty PUT that commits.
    HttpRequest request;
    request.method = http::verb::put;
    request.url = session.location;
    request.url.params().set("digest", digest);
    request.headers.set(http::field::content_type, "application/octet-stream");
    if (!chunked) {
        request.body_source = &body;
        request.content_length = size;
    }
    auto response = co_await send(std::move(request), push_scope(repo));
    if (!response)
        co_return response.error();
    if (response->status() != 201) {
        co_return co_await explain_response(
            *response,
            "committing " + std::string(digest) + " to " + host_ + "/" + std::string(repo));
    }
    co_await response->discard();
    co_return Expected<void>{};
}

}  // namespace regmigrate::registry
