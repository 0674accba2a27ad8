#include "transport/http/connection.hpp"

#include "transport/http/proxy_tunnel.hpp"
#include "transport/tls/tls_session_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <vector>

namespace regmigrate::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t header_limit = 64 * 1024;
// Large enough for any accepted header block plus the body bytes read along with it.
constexpr std::size_t read_buffer_limit = header_limit + 64 * 1024;
// Bytes asked of the socket per read of a large body. Beast sizes each socket read by the
// buffer's free capacity (at least 512 bytes): a small buffer turns a blob into hundreds of
// thousands of tiny reads. Only a connection reading a body holds this much: headers and
// small bodies grow the buffer from nothing, and a pool's idle connections let it go (park).
constexpr std::size_t read_chunk = 64 * 1024;
// Request bodies streamed from a BodySource are staged through one buffer of up to this size.
constexpr std::size_t body_stream_buffer = 256 * 1024;
// After a request body cut off by its source: how long, and for how many bytes, the server's
// answer is awaited (see Connection::abandon_request).
constexpr std::chrono::milliseconds abandon_grace{2'000};
constexpr std::size_t abandon_drain_limit = 64 * 1024;

bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

std::string host_header(const Origin& origin) {
    const bool default_port = (origin.scheme == "http" && origin.port == 80) ||
                              (origin.scheme == "https" && origin.port == 443);
    std::string host =
        origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host;
    return default_port ? host : host + ":" + std::to_string(origin.port);
}

}  // namespace

Expected<Origin> origin_of(boost::urls::url_view url) {
    Origin origin;
    // Schemes are case-insensitive (RFC 3986 3.1): compare by id, store lower case.
    if (url.scheme_id() == boost::urls::scheme::http) {
        origin.scheme = "http";
    } else if (url.scheme_id() == boost::urls::scheme::https) {
        origin.scheme = "https";
    } else {
        return make_error(ErrorKind::protocol, "unsupported URL scheme \"" +
                                                   std::string(url.scheme()) + "\" in " +
                                                   std::string(url.buffer().substr(0, 200)));
    }
    if (url.host_type() == boost::urls::host_type::ipv6) {
        origin.host = url.host_address();
    } else {
        origin.host = url.encoded_host().decode();
    }
    if (origin.host.empty()) {
        return make_error(ErrorKind::protocol, "URL has no host: " + std::string(url.buffer()));
    }
    origin.port = url.has_port() ? url.port_number()
                                 : static_cast<std::uint16_t>(origin.scheme == "https" ? 443 : 80);
    if (url.has_port() && origin.port == 0) {
        return make_error(ErrorKind::protocol,
                          "URL has an invalid port: " + std::string(url.buffer()));
    }
    return origin;
}

std::string connection_key(const Origin& origin, const std::optional<ProxyServer>& proxy) {
    return proxy ? origin.key() + " via " + proxy->address() : origin.key();
}

Connection::Connection(asio::any_io_executor executor, Origin origin, Timeouts timeouts,
                       std::optional<ProxyServer> proxy)
    : origin_(std::move(origin)),
      timeouts_(timeouts),
      proxy_(std::move(proxy)),
      plain_(std::make_unique<beast::tcp_stream>(executor)),
      read_buffer_(read_buffer_limit) {}

beast::tcp_stream& Connection::lowest_layer() {
    return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

Error Connection::fail(const error_code& ec, std::string_view during) const {
    std::string where =
        std::string(during) + " " + origin_.host + ":" + std::to_string(origin_.port);
    if (proxy_)
        where += " through proxy " + proxy_->address();
    where += ": ";
    if (ec == beast::error::timeout || ec == asio::error::timed_out) {
        return make_error(ErrorKind::timeout, where + "timed out");
    }
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == asio::ssl::error::get_stream_category()) {
        return make_error(ErrorKind::tls, where + "TLS error: " + ec.message());
    }
    return make_error(ErrorKind::network, where + ec.message());
}

asio::awaitable<Expected<std::unique_ptr<Connection>>> Connection::open(
    asio::any_io_executor executor, const Origin& origin, std::shared_ptr<asio::ssl::context> tls,
    bool verify_peer, const Timeouts& timeouts, std::optional<ProxyServer> proxy,
    TlsSessionCache* sessions) {
    using namespace asio::experimental::awaitable_operators;
    std::unique_ptr<Connection> conn(new Connection(executor, origin, timeouts, proxy));
    // The TCP peer: the proxy when there is one (it resolves the registry's name itself).
    const std::string& dial_host = proxy ? proxy->host : origin.host;
    const std::uint16_t dial_port = proxy ? proxy->port : origin.port;

    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    const auto address = asio::ip::make_address(dial_host, ec);
    if (!ec) {
        endpoints.emplace_back(address, dial_port);
    } else {
        // getaddrinfo has no deadline of its own: race it against the connect timeout.
        tcp::resolver resolver(executor);
        asio::steady_timer timer(executor, timeouts.connect);
        auto raced =
            co_await (resolver.async_resolve(dial_host, std::to_string(dial_port), use_tuple) ||
                      timer.async_wait(use_tuple));
        if (raced.index() == 1)
            co_return conn->fail(beast::error::timeout, "resolving");
        auto [resolve_ec, results] = std::get<0>(raced);
        if (resolve_ec)
            co_return conn->fail(resolve_ec, "resolving");
        for (const auto& entry : results)
            endpoints.push_back(entry.endpoint());
    }

    conn->plain_->expires_after(timeouts.connect);
    auto [connect_ec, endpoint] = co_await conn->plain_->async_connect(endpoints, use_tuple);
    if (connect_ec)
        co_return conn->fail(connect_ec, "connecting to");
    conn->plain_->socket().set_option(tcp::no_delay(true), ec);

    if (proxy && origin.scheme == "https") {
        auto tunnel = co_await open_tunnel(*conn->plain_, origin, *proxy, timeouts.connect);
        if (!tunnel)
            co_return tunnel.error();
    }
    if (origin.scheme == "https") {
        conn->tls_ =
            std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*conn->plain_), *tls);
        conn->plain_.reset();
        SSL* ssl = conn->tls_->native_handle();
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (is_ip_literal(origin.host)) {
            X509_VERIFY_PARAM_set1_ip_asc(param, origin.host.c_str());
        } else {
            SSL_set_tlsext_host_name(ssl, origin.host.c_str());  // SNI is for names only
            X509_VERIFY_PARAM_set1_host(param, origin.host.c_str(), 0);
        }
        conn->tls_->set_verify_mode(verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
        if (sessions)
            sessions->attach(ssl, conn->key());
        beast::get_lowest_layer(*conn->tls_).expires_after(timeouts.connect);
        auto [hs_ec] =
            co_await conn->tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (hs_ec) {
            if (sessions)
                sessions->forget(conn->key());
            Error failed = conn->fail(hs_ec, "TLS handshake with");
            // "certificate verify failed" alone does not say why: OpenSSL's verify result does.
            if (const long verified = SSL_get_verify_result(ssl);
                verify_peer && verified != X509_V_OK) {
                failed.message +=
                    std::string("; verify result: ") + X509_verify_cert_error_string(verified);
            }
            co_return failed;
        }
        conn->handshake_ = SSL_session_reused(ssl) ? TlsHandshake::resumed : TlsHandshake::full;
    }
    co_return std::move(conn);
}

asio::awaitable<Expected<void>> Connection::write_request(HttpRequest& request) {
    ++requests_;
    parser_.reset();
    const std::string target = forwards_through_proxy() ? absolute_form_target(origin_, request.url)
                                                        : std::string(request.url.encoded_target());
    http::request<http::buffer_body> message{request.method, target, 11};
    for (const auto& field : request.headers)
        message.set(field.name_string(), field.value());
    message.set(http::field::host, host_header(origin_));
    // Only a plain-http request is read by the proxy; an https one is inside the tunnel,
    // where proxy credentials must never go.
    message.erase(http::field::proxy_authorization);
    if (forwards_through_proxy() && !proxy_->authorization().empty()) {
        message.set(http::field::proxy_authorization, proxy_->authorization());
    }
    message.keep_alive(true);

    const bool streamed = request.body_source != nullptr;
    const std::uint64_t length =
        streamed ? request.content_length.value_or(0) : request.body.size();
    const bool has_body = streamed || !request.body.empty() || request.method == http::verb::put ||
                          request.method == http::verb::post || request.method == http::verb::patch;
    if (has_body)
        message.content_length(length);

    http::request_serializer<http::buffer_body> serializer{message};
    auto write = [&]() -> asio::awaitable<error_code> {
        lowest_layer().expires_after(timeouts_.idle);
        auto [ec, n] = tls_ ? co_await http::async_write(*tls_, serializer, use_tuple)
                            : co_await http::async_write(*plain_, serializer, use_tuple);
        co_return ec == http::error::need_buffer ? error_code{} : ec;
    };
    auto failed = [&](const error_code& ec) {
        broken_ = true;
        return fail(ec, "sending request to");
    };

    if (!streamed) {
        message.body().data = request.body.empty() ? nullptr : request.body.data();
        message.body().size = request.body.size();
        message.body().more = false;
        while (!serializer.is_done()) {
            if (auto ec = co_await write())
                co_return failed(ec);
        }
        co_return Expected<void>{};
    }

    message.body().data = nullptr;
    message.body().more = true;
    lowest_layer().expires_after(timeouts_.idle);
    auto [header_ec, header_n] =
        tls_ ? co_await http::async_write_header(*tls_, serializer, use_tuple)
             : co_await http::async_write_header(*plain_, serializer, use_tuple);
    if (header_ec)
        co_return failed(header_ec);

    // No bigger than the body: a run keeps one per upload in flight, and most blobs are small.
    std::vector<char> chunk(
        static_cast<std::size_t>(std::clamp<std::uint64_t>(length, 1, body_stream_buffer)));
    std::uint64_t sent = 0;
    for (;;) {
        auto got = co_await request.body_source->read(asio::buffer(chunk));
        if (!got) {
            co_await abandon_request();
            co_return got.error();
        }
        const std::size_t n = *got;
        sent += n;
        if (sent > length || (n == 0 && sent != length)) {
            co_await abandon_request();
            co_return make_error(ErrorKind::protocol, "request body was " + std::to_string(sent) +
                                                          " bytes, announced " +
                                                          std::to_string(length));
        }
        message.body().data = n ? chunk.data() : nullptr;
        message.body().size = n;
        message.body().more = n != 0;
        if (auto ec = co_await write())
            co_return failed(ec);
        if (n == 0)
            break;
    }
    co_return Expected<void>{};
}

asio::awaitable<void> Connection::abandon_request() {
    broken_ = true;  // the peer saw a partial body: this connection is done
    error_code ec;
    lowest_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec)
        co_return;
    // Whatever the server answers is of no use: it is read only to learn that it was sent.
    std::vector<char> discard(4096);
    lowest_layer().expires_after(
        std::min<std::chrono::milliseconds>(abandon_grace, timeouts_.response_header));
    for (std::size_t drained = 0; drained < abandon_drain_limit;) {
        auto [read_ec, n] =
            tls_ ? co_await tls_->async_read_some(asio::buffer(discard), use_tuple)
                 : co_await plain_->async_read_some(asio::buffer(discard), use_tuple);
        if (read_ec)
            break;  // the server closed (the usual end), or the grace ran out
        drained += n;
    }
}

asio::awaitable<Expected<void>> Connection::read_header(bool head_request) {
    parser_ = std::make_unique<Parser>();
    parser_->header_limit(header_limit);
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head_request)
        parser_->skip(true);
    lowest_layer().expires_after(timeouts_.response_header);
    auto [ec, n] =
        tls_ ? co_await http::async_read_header(*tls_, read_buffer_, *parser_, use_tuple)
             : co_await http::async_read_header(*plain_, read_buffer_, *parser_, use_tuple);
    if (ec) {
        broken_ = true;
        co_return fail(ec, "reading response from");
    }
    // 407 only ever comes from a proxy: say so instead of handing it up as a registry answer.
    if (forwards_through_proxy() && parser_->get().result_int() == 407) {
        broken_ = true;
        co_return proxy_refusal(*proxy_, "a request to " + connect_authority(origin_), 407,
                                parser_->get().reason());
    }
    co_return Expected<void>{};
}

asio::awaitable<Expected<std::size_t>> Connection::read_body(
    asio::mutable_buffer buffer, std::chrono::steady_clock::time_point deadline) {
    if (!parser_->is_done() && read_buffer_.capacity() < read_chunk) {
        const auto remaining = parser_->content_length_remaining();  // none when chunked
        read_buffer_.reserve(static_cast<std::size_t>(
            std::min<std::uint64_t>(read_chunk, remaining.value_or(read_chunk))));
    }
    while (!parser_->is_done()) {
        auto& body = parser_->get().body();
        body.data = buffer.data();
        body.size = buffer.size();
        lowest_layer().expires_at(
            std::min(std::chrono::steady_clock::now() + timeouts_.idle, deadline));
        auto [ec, n] = tls_ ? co_await http::async_read(*tls_, read_buffer_, *parser_, use_tuple)
                            : co_await http::async_read(*plain_, read_buffer_, *parser_, use_tuple);
        if (ec && ec != http::error::need_buffer) {
            broken_ = true;
            co_return fail(ec, "reading response body from");
        }
        const std::size_t got = buffer.size() - body.size;
        if (got > 0)
            co_return got;
    }
    co_return std::size_t{0};
}

void Connection::park() {
    if (read_buffer_.size() == 0)
        read_buffer_.shrink_to_fit();
}

bool Connection::reusable() const {
    return !broken_ && parser_ && parser_->is_done() && parser_->keep_alive();
}

bool Connection::closed_by_peer() {
    if (broken_)
        return true;
    char byte;
    const auto fd = lowest_layer().socket().native_handle();
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return false;
    // EOF, an error, or unsolicited bytes (e.g. a 408 or TLS close_notify): not reusable.
    return true;
}

}  // namespace regmigrate::transport
