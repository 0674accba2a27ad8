// One keep-alive HTTP/1.1 connection to an origin, plain or TLS, with per-operation deadlines.
#pragma once

#include "transport/error.hpp"
#include "transport/http/http_message.hpp"
#include "transport/http/proxy_selection.hpp"
#include "transport/tls/tls_handshake.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <string>

namespace regmigrate::transport {

struct Origin {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets for IPv6
    std::uint16_t port = 0;

    std::string key() const { return scheme + "://" + host + ":" + std::to_string(port); }
    bool operator==(const Origin&) const = default;
};

Expected<Origin> origin_of(boost::urls::url_view url);

// How pools file a connection: by origin and by the proxy it goes through, so a proxied and
// a direct connection to one origin are never handed out for each other.
std::string connection_key(const Origin& origin, const std::optional<ProxyServer>& proxy);

class TlsSessionCache;

class Connection {
  public:
    using Parser = http::response_parser<http::buffer_body>;

    // sessions (may be null): TLS sessions to resume, and to keep this connection's in.
    static boost::asio::awaitable<Expected<std::unique_ptr<Connection>>> open(
        boost::asio::any_io_executor executor, const Origin& origin,
        std::shared_ptr<boost::asio::ssl::context> tls, bool verify_peer, const Timeouts& timeouts,
        std::optional<ProxyServer> proxy = std::nullopt, TlsSessionCache* sessions = nullptr);

    // Writes the request line, headers and body (from request.body or request.body_source).
    boost::asio::awaitable<Expected<void>> write_request(HttpRequest& request);

    // Reads the response header into a fresh parser. head_request: no body will follow.
    boost::asio::awaitable<Expected<void>> read_header(bool head_request);

    // Reads the next piece of the body into buffer; 0 once the body is complete. Times out
    // after the idle timeout, or at `deadline` (the body's total allowance) if sooner.
    boost::asio::awaitable<Expected<std::size_t>> read_body(
        boost::asio::mutable_buffer buffer, std::chrono::steady_clock::time_point deadline =
                                                std::chrono::steady_clock::time_point::max());

    Parser& parser() { return *parser_; }
    bool body_complete() const { return parser_ && parser_->is_done(); }
    bool reusable() const;  // complete message, keep-alive, no error seen
    // Going idle in a pool: frees the read buffer unless it holds bytes not yet parsed.
    void park();
    // A pooled connection the server has since closed (readable EOF or error while idle).
    bool closed_by_peer();
    bool reused() const { return requests_ > 0; }  // served a request before this one
    const Origin& origin() const { return origin_; }
    std::string key() const { return connection_key(origin_, proxy_); }
    TlsHandshake handshake() const { return handshake_; }

  private:
    Connection(boost::asio::any_io_executor executor, Origin origin, Timeouts timeouts,
               std::optional<ProxyServer> proxy);
    // Plain http through a proxy: absolute-form targets and Proxy-Authorization.
    bool forwards_through_proxy() const { return proxy_ && origin_.scheme == "http"; }

    // A body cut off by its source (damaged, or its read failed): the server holds the header
    // and part of the body. Half-closes the connection (no more is coming) and waits, within
    // a short grace, for the server's answer or close, so that its handler has finished
    // before anything else about this request reaches it on another connection: the DELETE
    // cancelling the upload a cut-off PATCH or PUT was feeding. (docker-registry, sent that
    // DELETE while the cut-off request's handler still runs, recreates the upload's data
    // file after it.)
    boost::asio::awaitable<void> abandon_request();
    boost::beast::tcp_stream& lowest_layer();
    Error fail(const boost::system::error_code& ec, std::string_view during) const;

    Origin origin_;
    Timeouts timeouts_;
    std::optional<ProxyServer> proxy_;
    std::unique_ptr<boost::beast::tcp_stream> plain_;
    std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
    boost::beast::flat_buffer read_buffer_;
    std::unique_ptr<Parser> parser_;
    unsigned requests_ = 0;
    bool broken_ = false;
    TlsHandshake handshake_ = TlsHandshake::none;
};

}  // namespace regmigrate::transport
