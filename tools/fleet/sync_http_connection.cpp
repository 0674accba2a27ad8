#include "tools/fleet/sync_http_connection.hpp"

#include "tools/fleet/bounded_run.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace regmigrate::fleet {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Expected<HostPort> split_host_port(const std::string& authority) {
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos || colon + 1 == authority.size()) {
        return make_error(ErrorKind::invalid_argument,
                          "expected HOST:PORT, got '" + authority + "'");
    }
    std::string host = authority.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return HostPort{host, authority.substr(colon + 1)};
}

struct SyncHttpConnection::State {
    HostPort endpoint;
    std::chrono::milliseconds timeout;
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    bool open = false;

    template <class Start>
    boost::system::error_code run(Start start) {
        return run_bounded(ioc, stream, timeout, start);
    }

    Expected<void> connect() {
        close();
        boost::system::error_code ec;
        tcp::resolver resolver(ioc);
        const auto endpoints = resolver.resolve(endpoint.host, endpoint.port, ec);
        if (ec) {
            return make_error(ErrorKind::network,
                              "resolving " + endpoint.host + ": " + ec.message());
        }
        ec = run([&](auto handler) { stream.async_connect(endpoints, handler); });
        if (ec) {
            return make_error(
                ec == beast::error::timeout ? ErrorKind::timeout : ErrorKind::network,
                "connecting to " + endpoint.host + ":" + endpoint.port + ": " + ec.message());
        }
        open = true;
        return {};
    }

    void close() {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
        buffer.clear();
        open = false;
    }

    Expected<HttpResponse> exchange(HttpRequest& request) {
        auto ec = run([&](auto handler) { http::async_write(stream, request, handler); });
        if (!ec) {
            http::response_parser<http::string_body> parser;
            parser.body_limit(64 * 1024 * 1024);
            // A HEAD reply announces a Content-Length it never sends.
            parser.skip(request.method() == http::verb::head);
            ec = run([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
            if (!ec) {
                HttpResponse response = parser.release();
                if (!response.keep_alive()) {
                    close();
                }
                return response;
            }
        }
        close();
        return make_error(ec == beast::error::timeout ? ErrorKind::timeout : ErrorKind::network,
                          std::string(request.method_string()) + " " +
                              std::string(request.target()) + ": " + ec.message());
    }
};

SyncHttpConnection::SyncHttpConnection(HostPort endpoint, std::chrono::milliseconds timeout)
    : state_(std::make_unique<State>()) {
    state_->endpoint = std::move(endpoint);
    state_->timeout = timeout;
}

SyncHttpConnection::~SyncHttpConnection() {
    state_->close();
}

Expected<HttpResponse> SyncHttpConnection::send(HttpRequest request) {
    request.set(http::field::host, state_->endpoint.host + ":" + state_->endpoint.port);
    request.keep_alive(true);
    request.prepare_payload();
    const bool reused = state_->open;
    if (!reused) {
        if (auto connected = state_->connect(); !connected) {
            return connected.error();
        }
    }
    auto response = state_->exchange(request);
    if (response || !reused || response.error().kind == ErrorKind::timeout) {
        return response;
    }
    if (auto connected = state_->connect(); !connected) {
        return connected.error();
    }
    return state_->exchange(request);
}

}  // namespace regmigrate::fleet
