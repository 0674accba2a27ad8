// The OCI distribution API of one registry: ping, listings, manifests, blobs, uploads.
// Every call authenticates as the registry asks (see Authenticator) and decodes errors.
#pragma once

#include "registry/authenticator.hpp"
#include "registry/manifest.hpp"
#include "transport/http_client.hpp"

#include <optional>
#include <string>
#include <vector>

namespace regmigrate::registry {

struct RegistryOptions {
    // 0: monolithic uploads (one streamed PUT); otherwise PATCH chunks of this size.
    std::uint64_t chunk_size = 0;
    std::size_t max_pages = 100'000;  // listing pages followed before giving up
    std::size_t page_size = 1000;
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

    // The blob's size, or nullopt when it is absent from repo.
    boost::asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(std::string_view repo,
                                                                             std::string_view digest);
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

private:
    boost::urls::url url_for(std::string_view path) const;
    // Sends with authorization for scopes; on 401 learns the challenge and retries once.
    boost::asio::awaitable<Expected<transport::ResponseStream>> send(transport::HttpRequest request,
                                                                    const Scopes& scopes);
    boost::asio::awaitable<Expected<std::vector<std::string>>> list_paged(boost::urls::url first,
                                                                         std::string_view key,
                                                                         const Scopes& scopes);
    boost::asio::awaitable<Expected<UploadSession>> start_upload(std::string_view repo);
    boost::asio::awaitable<Expected<UploadSession>> upload_chunks(std::string_view repo,
                                                                 UploadSession session,
                                                                 std::uint64_t size,
                                                                 transport::BodySource& body);

    std::shared_ptr<transport::HttpClient> http_;
    std::string host_;
    RegistryOptions options_;
    Authenticator auth_;
};

// The error for an unexpected answer, decoding what little of its body explains it.
boost::asio::awaitable<Error> explain_response(transport::ResponseStream& response,
                                               std::string context);

// Upload Location headers may be relative: resolve against the registry's base URL.
Expected<UploadSession> upload_session_from(const transport::ResponseStream& response,
                                            boost::urls::url_view request_url);

}  // namespace regmigrate::registry
