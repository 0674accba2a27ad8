#include "registry/distribution/registry_client.hpp"

#include "registry/content/digest.hpp"
#include "registry/content/sha256.hpp"
#include "registry/distribution/link_header.hpp"
#include "registry/distribution/registry_error.hpp"
#include "registry/distribution/unauthorized_step.hpp"
#include "registry/distribution/upload_range.hpp"
#include "registry/name/request_path.hpp"
#include "registry/types/listing.hpp"
#include "registry/types/media_types.hpp"
#include "registry/types/schema1_image.hpp"
#include "registry/types/schema1_payload.hpp"
#include "transport/retry/retry_wait.hpp"

#include <boost/url/parse.hpp>

#include <chrono>
#include <set>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using transport::HttpRequest;
using transport::ResponseStream;
using transport::retry_operation;
using transport::RetryAttempts;

namespace {

// Error bodies are only read this far: enough for {"errors": [...]}, not a flood.
constexpr std::size_t max_error_body = 64 * 1024;
constexpr std::size_t max_listing_body = 16 * 1024 * 1024;

}  // namespace

RegistryClient::RegistryClient(std::shared_ptr<transport::HttpClient> http, std::string host,
                               Credentials credentials, RegistryOptions options)
    : http_(http),
      host_(std::move(host)),
      options_(options),
      auth_(std::move(http), host_, std::move(credentials), options.renewable_credentials,
            options.allow_plain_http_credentials),
      rate_limit_(host_) {}

boost::urls::url RegistryClient::url_for(std::string_view path) const {
    boost::urls::url url;
    url.set_scheme(http_->scheme());
    url.set_encoded_authority(host_);
    set_request_path(url, path);
    return url;
}

asio::awaitable<Expected<ResponseStream>> RegistryClient::send(HttpRequest request,
                                                               const Scopes& scopes,
                                                               RetryAttempts* attempts) {
    const auto home = url_for("/");
    if (auto ours = check_registry_origin(request.url, home, "request URL"); !ours)
        co_return with_context(ours.error(),
                               transport::describe_request(request.method, request.url));
    for (int attempt = 0;; ++attempt) {
        auto authorization = co_await auth_.authorization(scopes);
        if (!authorization)
            co_return authorization.error();
        HttpRequest attempt_request = request;
        if (*authorization) {
            attempt_request.headers.set(http::field::authorization, **authorization);
        }
        auto response = co_await send_paced(std::move(attempt_request), attempts);
        // A 429's Retry-After is the rate-limit gate's to wait, not the retry policy's.
        if (response && attempts && response->status() != 429) {
            const std::string retry_after = response->header("Retry-After");
            if (!retry_after.empty()) {
                attempts->note_retry_after(retry_after, std::chrono::system_clock::now());
            }
        }
        // A 401 from a redirect target is that server's business: it must not send our
        // credentials to a realm of its choosing.
        if (!response || response->status() != 401 ||
            !transport::same_origin(response->url(), home))
            co_return response;
        const std::string challenge = response->header("WWW-Authenticate");
        switch (unauthorized_step(attempt > 0, request.body_source != nullptr, challenge)) {
            case UnauthorizedStep::answer:
                co_return response;
            case UnauthorizedStep::insufficient_scope: {
                std::string wanted;
                for (const auto& scope : scopes)
                    wanted += (wanted.empty() ? "" : ", ") + scope;
                co_return make_error(ErrorKind::denied,
                                     host_ + ": access denied: the credentials lack " + wanted,
                                     401);
            }
            case UnauthorizedStep::no_challenge:
                co_await response->discard();
                co_return make_error(ErrorKind::unauthorized,
                                     host_ + " answered 401 without a WWW-Authenticate challenge",
                                     401);
            case UnauthorizedStep::learn_and_answer:
                // The caller explains the 401; a challenge we cannot answer changes nothing.
                (void)auth_.on_challenge(challenge, scopes);
                co_return response;
            case UnauthorizedStep::learn_and_retry:
                break;
        }
        co_await response->discard();
        auto learned = auth_.on_challenge(challenge, scopes);
        if (!learned)
            co_return learned.error();
    }
}

asio::awaitable<Expected<ResponseStream>> RegistryClient::send_paced(HttpRequest request,
                                                                     RetryAttempts* attempts) {
    for (;;) {
        co_await rate_limit_.wait_turn(request.method, request.url);
        auto response = co_await http_->send(request);
        // A streamed body cannot be sent twice: its 429 goes back to the caller, whose next
        // try waits out the hold in wait_turn.
        if (!response || !rate_limit_.observe(*response) || request.body_source ||
            !count_throttled_retry(retry_policy(), attempts)) {
            co_return response;
        }
        co_await response->discard();
    }
}

asio::awaitable<Error> explain_response(ResponseStream& response, std::string context) {
    auto body = co_await response.read_all(max_error_body);
    co_return error_from_response(response.status(), body ? *body : std::string(), context);
}

asio::awaitable<Expected<void>> RegistryClient::ping() {
    const std::string context = host_ + " /v2/";
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<void>> {
        HttpRequest request;
        request.url = url_for("/v2/");
        auto response = co_await send(std::move(request), Scopes{}, attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 200)
            co_return co_await explain_response(*response, context);
        co_await response->discard();
        co_return Expected<void>{};
    };
    co_return co_await retry_operation<void>(options_.retry.get(), context, attempt);
}

asio::awaitable<Expected<std::vector<std::string>>> RegistryClient::list_paged(
    boost::urls::url url, std::string_view key, const Scopes& scopes) {
    std::vector<std::string> all;
    std::set<std::string> seen;
    for (std::size_t page = 0;; ++page) {
        if (page >= options_.max_pages || !seen.insert(std::string(url.buffer())).second) {
            co_return make_error(ErrorKind::protocol, host_ + ": pagination does not end (page " +
                                                          std::to_string(page + 1) +
                                                          " repeats or exceeds the limit)");
        }
        const std::string context = host_ + " " + std::string(url.encoded_path());
        std::optional<boost::urls::url> next;
        // One page at a time is retried: a fault late in a long listing costs one page.
        auto attempt = [&](RetryAttempts* attempts) {
            return list_page(url, key, scopes, next, attempts);
        };
        auto names = co_await retry_operation<std::vector<std::string>>(options_.retry.get(),
                                                                        context, attempt);
        if (!names)
            co_return names.error();
        all.insert(all.end(), names->begin(), names->end());
        if (!next)
            break;
        url = std::move(*next);
    }
    co_return all;
}

asio::awaitable<Expected<std::vector<std::string>>> RegistryClient::list_page(
    const boost::urls::url& url, std::string_view key, const Scopes& scopes,
    std::optional<boost::urls::url>& next, RetryAttempts* attempts) {
    HttpRequest request;
    request.url = url;
    auto response = co_await send(std::move(request), scopes, attempts);
    if (!response)
        co_return response.error();
    const std::string context = host_ + " " + std::string(url.encoded_path());
    if (response->status() != 200)
        co_return co_await explain_response(*response, context);
    auto body = co_await response->read_all(max_listing_body);
    if (!body)
        co_return body.error();
    auto names = parse_string_list(*body, key);
    if (!names)
        co_return with_context(names.error(), context);
    if (auto checked = check_listed_names(*names, key); !checked)
        co_return with_context(checked.error(), context);
    next.reset();
    const std::string link = response->header("Link");
    if (!link.empty()) {
        auto following = next_page_url(link, url);
        if (!following)
            co_return with_context(following.error(), context);
        next = std::move(*following);
    }
    co_return names;
}

asio::awaitable<Expected<std::vector<std::string>>> RegistryClient::list_repositories() {
    auto url = url_for("/v2/_catalog");
    url.params().append({"n", std::to_string(options_.page_size)});
    const Scopes catalog{"registry:catalog:*"};
    co_return co_await list_paged(std::move(url), "repositories", catalog);
}

asio::awaitable<Expected<std::vector<std::string>>> RegistryClient::list_tags(
    std::string_view repo) {
    auto url = url_for("/v2/" + std::string(repo) + "/tags/list");
    url.params().append({"n", std::to_string(options_.page_size)});
    co_return co_await list_paged(std::move(url), "tags", pull_scope(repo));
}

asio::awaitable<Expected<ManifestData>> RegistryClient::get_manifest(std::string_view repo,
                                                                     std::string_view reference) {
    const std::string context =
        "manifest " + host_ + "/" + std::string(repo) + ":" + std::string(reference);
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<ManifestData>> {
        HttpRequest request;
        request.url = url_for("/v2/" + std::string(repo) + "/manifests/" + std::string(reference));
        request.headers.set(http::field::accept, manifest_accept_header());
        auto response = co_await send(std::move(request), pull_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 200)
            co_return co_await explain_response(*response, context);
        auto bytes = co_await response->read_all(max_manifest_bytes);
        if (!bytes)
            co_return with_context(bytes.error(), context);

        ManifestData data;
        data.bytes = std::move(*bytes);
        auto manifest = parse_manifest(data.bytes, response->header("Content-Type"));
        // A signed schema1 manifest is known by its payload's digest; a body that does not
        // even parse is judged by its bytes' hash, so damage still reads as a mismatch.
        auto digest = manifest ? manifest_digest(data.bytes, manifest->media_type)
                               : Expected<std::string>(sha256_digest(data.bytes));
        if (!digest)
            co_return with_context(digest.error(), context);
        data.digest = std::move(*digest);
        const bool by_digest = reference.find(':') != std::string_view::npos;
        if (by_digest && reference != data.digest) {
            co_return make_error(ErrorKind::digest_mismatch,
                                 context + ": content hashes to " + data.digest);
        }
        const std::string announced = response->header("Docker-Content-Digest");
        if (!announced.empty() && announced.starts_with("sha256:") && announced != data.digest) {
            co_return make_error(ErrorKind::digest_mismatch, context + ": Docker-Content-Digest " +
                                                                 quote_for_message(announced) +
                                                                 " but content hashes to " +
                                                                 data.digest);
        }
        if (!manifest)
            co_return with_context(manifest.error(), context);
        data.media_type = manifest->media_type;
        data.manifest = std::move(*manifest);
        co_return data;
    };
    // A damaged body (digest mismatch) is fetched again like a dropped one.
    co_return co_await retry_operation<ManifestData>(options_.retry.get(), context, attempt);
}

asio::awaitable<Expected<std::optional<ManifestHead>>> RegistryClient::head_manifest(
    std::string_view repo, std::string_view reference) {
    const std::string context =
        "manifest " + host_ + "/" + std::string(repo) + ":" + std::string(reference);
    auto attempt =
        [&](RetryAttempts* attempts) -> asio::awaitable<Expected<std::optional<ManifestHead>>> {
        HttpRequest request;
        request.method = http::verb::head;
        request.url = url_for("/v2/" + std::string(repo) + "/manifests/" + std::string(reference));
        request.headers.set(http::field::accept, manifest_accept_header());
        auto response = co_await send(std::move(request), pull_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() == 404)
            co_return std::optional<ManifestHead>{};
        if (response->status() != 200) {
            co_return error_from_response(response->status(), "", context);
        }
        co_return ManifestHead{
            response->header("Docker-Content-Digest"),
            std::string(strip_media_type_params(response->header("Content-Type")))};
    };
    auto found = co_await retry_operation<std::optional<ManifestHead>>(options_.retry.get(),
                                                                       context, attempt);
    if (!found || !*found)
        co_return found;
    ManifestHead head = std::move(**found);
    if (head.digest.empty()) {
        // Not every registry announces the digest on HEAD: fall back to hashing the body.
        auto full = co_await get_manifest(repo, reference);
        if (!full)
            co_return full.error();
        head = {full->digest, full->media_type};
    } else if (!is_valid_digest(head.digest)) {
        co_return make_error(ErrorKind::protocol, context + ": invalid Docker-Content-Digest " +
                                                      quote_for_message(head.digest));
    }
    co_return head;
}

asio::awaitable<Expected<std::string>> RegistryClient::put_manifest(std::string_view repo,
                                                                    std::string_view reference,
                                                                    std::string_view media_type,
                                                                    const std::string& bytes) {
    const std::string context =
        "pushing manifest " + host_ + "/" + std::string(repo) + ":" + std::string(reference);
    // The manifest is a small replayable body: PUT is idempotent, so it is retried whole.
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<std::string>> {
        HttpRequest request;
        request.method = http::verb::put;
        request.url = url_for("/v2/" + std::string(repo) + "/manifests/" + std::string(reference));
        request.headers.set(http::field::content_type, media_type);
        request.body = bytes;
        auto response = co_await send(std::move(request), push_scope(repo), attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 201 && response->status() != 200) {
            if (!is_schema1_media_type(media_type))
                co_return co_await explain_response(*response, context);
            // A refusal of the schema1 format itself is `unsupported`: the caller converts.
            auto body = co_await response->read_all(max_error_body);
            const std::string text = body ? *body : std::string();
            Error error = error_from_response(response->status(), text, context);
            if (refuses_schema1(response->status(), text)) {
                error.kind = ErrorKind::unsupported;
                error.message += " (schema1 manifests unsupported by this registry)";
            }
            co_return error;
        }
        co_await response->discard();
        co_return response->header("Docker-Content-Digest");
    };
    auto stored = co_await retry_operation<std::string>(options_.retry.get(), context, attempt);
    if (!stored)
        co_return stored.error();
    auto computed = manifest_digest(bytes, media_type);
    if (!computed)
        co_return with_context(computed.error(), context);
    const std::string& digest = *computed;
    if (!stored->empty() && stored->starts_with("sha256:") && *stored != digest) {
        co_return make_error(
            ErrorKind::digest_mismatch,
            context + ": registry stored " + quote_for_message(*stored) + " instead of " + digest);
    }
    co_return digest;
}

Expected<void> check_registry_origin(boost::urls::url_view target,
                                     boost::urls::url_view registry_url, std::string_view what) {
    if (transport::same_origin(target, registry_url))
        return {};
    const auto origin = [](boost::urls::url_view url) {
        return std::string(url.scheme()) + "://" + std::string(url.encoded_host_and_port());
    };
    return make_error(ErrorKind::protocol,
                      std::string(what) + " " + quote_for_message(origin(target), 200) +
                          " is on another origin than the registry " + origin(registry_url) +
                          ": refusing to send the registry's credentials or blobs there");
}

Expected<UploadSession> upload_session_from(const ResponseStream& response,
                                            boost::urls::url_view request_url,
                                            boost::urls::url_view registry_url) {
    const std::string location = response.header("Location");
    auto reference = boost::urls::parse_uri_reference(location);
    if (location.empty() || !reference) {
        return make_error(ErrorKind::protocol, "upload answer without a usable Location: " +
                                                   quote_for_message(location));
    }
    UploadSession session;
    if (!boost::urls::resolve(request_url, *reference, session.location)) {
        return make_error(ErrorKind::protocol,
                          "upload Location cannot be resolved: " + quote_for_message(location));
    }
    if (auto ours = check_registry_origin(session.location, registry_url, "upload Location"); !ours)
        return ours.error();
    const std::string min_chunk = response.header("OCI-Chunk-Min-Length");
    if (!min_chunk.empty()) {
        session.min_chunk = parse_byte_count(min_chunk);
        if (!session.min_chunk) {
            return make_error(ErrorKind::protocol,
                              "invalid OCI-Chunk-Min-Length " + quote_for_message(min_chunk));
        }
    }
    return session;
}

}  // namespace regmigrate::registry
