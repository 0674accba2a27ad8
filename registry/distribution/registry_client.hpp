// The OCI distribution API of one registry: ping, listings, manifests, blobs, uploads.
// Every call authenticates as the registry asks (see Authenticator) and decodes errors.
#pragma once

#include "registry/auth/authenticator.hpp"
#include "registry/auth/renewable_credentials.hpp"
#include "registry/distribution/rate_limit.hpp"
#include "registry/types/manifest.hpp"
#include "transport/http/http_client.hpp"
#include "transport/retry/retry_policy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace regmigrate::registry {

struct RegistryOptions {
    // 0: monolithic uploads (one streamed PUT); otherwise PATCH chunks of this size.
    std::uint64_t chunk_size = 0;
    std::size_t max_pages = 100'000;  // listing pages followed before giving up
    std::size_t page_size = 1000;
    // Transient failures of requests that can be replayed (everything but blob bodies) are
    // retried under this policy; null: each request is tried once.
    std::shared_ptr<transport::RetryPolicy> retry;
    // Set when the registry's credentials expire during a run (Amazon ECR): asked before
    // every authentication instead of the fixed ones.
    std::shared_ptr<RenewableCredentials> renewable_credentials;
    // The user's explicit consent (--allow-plain-http-credentials) to send the password
    // over plain HTTP to a registry or token realm that is not on loopback.
    bool allow_plain_http_credentials = false;
};

struct ManifestData {
    std::string bytes;  // exactly as served: pushed unchanged so digests survive
    std::string media_type;
    std::string digest;
    Manifest manifest;
};

struct ManifestHead {
    std::string digest;
    std::string media_type;
};

struct UploadSession {
    boost::urls::url location;
    std::optional<std::uint64_t> min_chunk;  // OCI-Chunk-Min-Length
};

struct MountResult {
    bool mounted = false;
    std::optional<UploadSession> session;  // a 202 answer: the registry opened an upload instead
};

class RegistryClient {
  public:
    RegistryClient(std::shared_ptr<transport::HttpClient> http, std::string host,
                   Credentials credentials, RegistryOptions options = {});

    const std::string& host() const { return host_; }
    const RegistryOptions& options() const { return options_; }
    transport::HttpClient& http() { return *http_; }

    boost::asio::awaitable<Expected<void>> ping();
    boost::asio::awaitable<Expected<std::vector<std::string>>> list_repositories();
    boost::asio::awaitable<Expected<std::vector<std::string>>> list_tags(std::string_view repo);

    // reference: a tag or a digest. A digest reference must match the bytes served.
    boost::asio::awaitable<Expected<ManifestData>> get_manifest(std::string_view repo,
                                                                std::string_view reference);
    // nullopt when the manifest does not exist.
    boost::asio::awaitable<Expected<std::optional<ManifestHead>>> head_manifest(
        std::string_view repo, std::string_view reference);
    // Returns the digest the registry stored.
    boost::asio::awaitable<Expected<std::string>> put_manifest(std::string_view repo,
                                                               std::string_view reference,
                                                               std::string_view media_type,
                                                               const std::string& bytes);
    // DELETE /v2/<repo>/manifests/<reference> (registry/distribution/manifest_delete.cpp).
    // By digest the manifest goes with every tag on it; by tag only the tag (OCI distribution
    // 1.1; distribution 2.8 refuses with 400 DIGEST_INVALID, and with 405 UNSUPPORTED both
    // when its deletes are disabled). A refusal is the error_from_response of the answer.
    boost::asio::awaitable<Expected<void>> delete_manifest(std::string_view repo,
                                                           std::string_view reference);

    // The referrers of the manifest `digest` (OCI distribution 1.1), every page, only those
    // of artifact_types when given; nullopt when the registry has no referrers API (a 404):
    // the caller falls back to the referrers tag schema (registry/types/referrers.hpp).
    boost::asio::awaitable<Expected<std::optional<std::vector<Descriptor>>>> list_referrers(
        std::string_view repo, std::string_view digest,
        std::vector<std::string> artifact_types = {});

    // The blob's size, or nullopt when it is absent from repo.
    boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(
        std::string_view repo, std::string_view digest);
    // GET the blob (following redirects to storage); the body is read by the caller.
    boost::asio::awaitable<Expected<transport::ResponseStream>> open_blob(std::string_view repo,
                                                                          std::string_view digest);
    boost::asio::awaitable<Expected<MountResult>> mount_blob(std::string_view repo,
                                                             std::string_view digest,
                                                             std::string_view from_repo);
    // Streams size bytes from body into repo and commits them as digest. Uses `session`
    // when a mount attempt already opened one.
    boost::asio::awaitable<Expected<void>> upload_blob(std::string_view repo,
                                                       std::string_view digest, std::uint64_t size,
                                                       transport::BodySource& body,
                                                       std::optional<UploadSession> session = {});

    // The steps of upload_blob, for callers that resume a broken upload themselves.
    boost::asio::awaitable<Expected<UploadSession>> start_upload(std::string_view repo);
    // Sends body (the blob from byte `offset` on) into session and commits it. `session`
    // follows each acknowledged chunk, so after a failure it names the live upload.
    boost::asio::awaitable<Expected<void>> upload_from(std::string_view repo,
                                                       std::string_view digest, std::uint64_t size,
                                                       transport::BodySource& body,
                                                       UploadSession& session,
                                                       std::uint64_t offset);
    // Cancels an upload that will not be finished (DELETE on its Location), so the registry
    // frees what it holds of it. Best effort: one try, and a failure is only logged (debug).
    boost::asio::awaitable<void> cancel_upload(std::string_view repo, const UploadSession& session);
    // Whether a blob of this size goes up in PATCH chunks (resumable) or in one PUT.
    bool uploads_in_chunks(std::uint64_t size) const;
    // How many bytes the registry holds of an unfinished upload (its Range header).
    boost::asio::awaitable<Expected<std::uint64_t>> upload_offset(std::string_view repo,
                                                                  const UploadSession& session);
    // Retries of streamed transfers are the caller's: they share the requests' policy.
    transport::RetryPolicy* retry_policy() const { return options_.retry.get(); }

  private:
    boost::urls::url url_for(std::string_view path) const;
    // Sends with authorization for scopes; on 401 learns the challenge (dropping a refused
    // token) and retries once, but never sends a streamed body twice (unauthorized_step).
    // A Retry-After in the answer is noted in `attempts` for the caller's retry loop.
    // Only the registry's own origin is spoken to, and only its own 401s teach a challenge
    // (a redirect target's 401 is returned as the answer).
    boost::asio::awaitable<Expected<transport::ResponseStream>> send(
        transport::HttpRequest request, const Scopes& scopes,
        transport::RetryAttempts* attempts = nullptr);
    // One request as the rate-limit gate allows: paused while the budget is low or a 429's
    // Retry-After runs, and sent again after a 429, each resend counted as one retry of
    // `attempts` (see count_throttled_retry).
    boost::asio::awaitable<Expected<transport::ResponseStream>> send_paced(
        transport::HttpRequest request, transport::RetryAttempts* attempts);
    boost::asio::awaitable<Expected<std::vector<std::string>>> list_page(
        const boost::urls::url& url, std::string_view key, const Scopes& scopes,
        std::optional<boost::urls::url>& next, transport::RetryAttempts* attempts);
    boost::asio::awaitable<Expected<std::vector<std::string>>> list_paged(boost::urls::url first,
                                                                          std::string_view key,
                                                                          const Scopes& scopes);
    boost::asio::awaitable<Expected<void>> upload_chunks(std::string_view repo,
                                                         UploadSession& session, std::uint64_t size,
                                                         transport::BodySource& body,
                                                         std::uint64_t offset);

    std::shared_ptr<transport::HttpClient> http_;
    std::string host_;
    RegistryOptions options_;
    Authenticator auth_;
    RateLimitGate rate_limit_;
};

// The error for an unexpected answer, decoding what little of its body explains it.
boost::asio::awaitable<Error> explain_response(transport::ResponseStream& response,
                                               std::string context);

// Upload Location headers may be relative: resolve against the registry's base URL.
// A Location on another origin than `registry` (scheme, host, port) is refused, naming
// both: the blob and the registry's credentials would go to a server the user never named.
Expected<UploadSession> upload_session_from(const transport::ResponseStream& response,
                                            boost::urls::url_view request_url,
                                            boost::urls::url_view registry_url);

// Refuses `target` unless it is on the registry's origin; `what` names it in the error.
Expected<void> check_registry_origin(boost::urls::url_view target,
                                     boost::urls::url_view registry_url, std::string_view what);

}  // namespace regmigrate::registry
