// Coroutine HTTP/1.1 client: pooled keep-alive connections, TLS, deadlines, redirects.
#pragma once

#include "transport/http/connection_pool.hpp"
#include "transport/http/http_message.hpp"
#include "transport/http/response_stream.hpp"
#include "transport/tls/tls_options.hpp"

#include <functional>
#include <memory>

namespace regmigrate::transport {

struct ClientOptions {
    // The registry's host[:port]. `tls` (its mode, insecure included, and its client
    // certificate) applies to that origin only: every other origin the client is sent to is
    // verified (system trust plus tls.ca_file/ca_dir) and gets no client certificate.
    // Empty: every origin is treated as the registry's (single-origin clients).
    std::string registry_authority;
    TlsOptions tls;
    Timeouts timeouts;
    std::size_t max_connections_per_origin = 32;
    int max_redirects = 5;
    // Forward proxies per origin (default: none, every origin direct).
    ProxyRules proxy;
    // Called once per response received (status) — the metrics hook.
    std::function<void(http::verb method, int status)> on_response;
    // Called once per connection opened (TLS: full or resumed handshake).
    ConnectionOpened on_connection;
};

// Not thread-safe: one client per single-threaded executor (one per worker thread).
class HttpClient {
  public:
    static Expected<std::shared_ptr<HttpClient>> create(boost::asio::any_io_executor executor,
                                                        ClientOptions options);

    // Sends the request and reads the response header. Follows redirects for GET/HEAD (and
    // 307/308 with a replayable body, to the same origin only), dropping Authorization and
    // Cookie when the origin changes.
    // A replayable request that fails on a reused connection is retried once on a new one.
    boost::asio::awaitable<Expected<ResponseStream>> send(HttpRequest request);

    // send() and read the whole body, refused past max_body bytes.
    boost::asio::awaitable<Expected<HttpResponse>> fetch(HttpRequest request, std::size_t max_body);

    const ClientOptions& options() const { return options_; }
    // "https" unless TLS is disabled for this side.
    std::string_view scheme() const;
    std::shared_ptr<ConnectionPool> pool() const { return pool_; }

  private:
    HttpClient(ClientOptions options, std::shared_ptr<ConnectionPool> pool);
    boost::asio::awaitable<Expected<ResponseStream>> send_once(HttpRequest& request);

    ClientOptions options_;
    std::shared_ptr<ConnectionPool> pool_;
};

// Where a redirect leads, or nothing when the response is not one to follow.
// Pure: decides from the method, status, Location and whether the body can be sent again.
// A 307/308 that would send a request body again (a token grant's refresh token, an
// upload) is only followed within current's origin: the body is meant for that origin.
std::optional<boost::urls::url> redirect_target(http::verb method, int status,
                                                std::string_view location,
                                                boost::urls::url_view current, bool replayable);

// Whether credentials issued for `from` may be sent to `to` (same scheme, host and port).
bool same_origin(boost::urls::url_view from, boost::urls::url_view to);

// The per-origin TLS contexts for these options (see ClientOptions::registry_authority).
Expected<OriginTls> make_origin_tls(const ClientOptions& options);

}  // namespace regmigrate::transport
