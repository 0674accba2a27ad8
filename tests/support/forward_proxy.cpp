#include "tests/support/forward_proxy.hpp"

#include "transport/base64.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <optional>
#include <sstream>

namespace regmigrate::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Test images are small; a body past this is a test bug, not something to forward.
constexpr std::uint64_t body_limit = 512ull * 1024 * 1024;

// A connection to host:port (names resolved: "localhost" too), or nothing.
asio::awaitable<std::optional<tcp::socket>> dial(std::string host, std::string port) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
    if (resolve_ec)
        co_return std::nullopt;
    tcp::socket socket(executor);
    auto [connect_ec, endpoint] = co_await asio::async_connect(socket, endpoints, use_tuple);
    if (connect_ec)
        co_return std::nullopt;
    co_return std::optional<tcp::socket>(std::move(socket));
}

// Copies bytes one way until EOF or an error, then tells the other end no more will come.
asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
    std::array<char, 16 * 1024> chunk;
    for (;;) {
        auto [read_ec, n] = co_await from.async_read_some(asio::buffer(chunk), use_tuple);
        if (read_ec)
            break;
        auto [write_ec, written] =
            co_await asio::async_write(to, asio::buffer(chunk.data(), n), use_tuple);
        if (write_ec)
            break;
    }
    boost::system::error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> answer(tcp::socket& client, http::status status, bool keep_alive,
                             bool ask_for_credentials = false) {
    http::response<http::empty_body> response{status, 11};
    if (ask_for_credentials) {
        response.set(http::field::proxy_authenticate, "Basic realm=\"forward-proxy\"");
    }
    response.content_length(0);
    response.keep_alive(keep_alive);
    co_await http::async_write(client, response, use_tuple);
}

}  // namespace

ForwardProxy::ForwardProxy(ForwardProxyOptions options)
    : options_(std::move(options)),
      acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
}

ForwardProxy::~ForwardProxy() {
    io_.stop();
    thread_.join();
}

std::string ForwardProxy::address() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::string ForwardProxy::url(bool with_credentials) const {
    const std::string userinfo =
        with_credentials ? options_.username + ":" + options_.password + "@" : "";
    return "http://" + userinfo + address();
}

std::vector<ProxiedRequest> ForwardProxy::log() const {
    std::lock_guard lock(mutex_);
    return log_;
}

std::string ForwardProxy::log_text() const {
    std::ostringstream text;
    for (const auto& entry : log()) {
        text << entry.method << ' ' << entry.target << " -> " << entry.status;
        if (entry.proxy_authorization)
            text << " [proxy-auth]";
        if (entry.authorization)
            text << " [registry-auth]";
        text << '\n';
    }
    return text.str();
}

void ForwardProxy::record(ProxiedRequest request) {
    std::lock_guard lock(mutex_);
    log_.push_back(std::move(request));
}

bool ForwardProxy::authorized(std::string_view proxy_authorization) const {
    if (options_.username.empty())
        return true;
    return proxy_authorization ==
           "Basic " + base64_encode(options_.username + ":" + options_.password);
}

asio::awaitable<void> ForwardProxy::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
        if (ec)
            co_return;
        asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> ForwardProxy::serve(tcp::socket client) {
    using namespace asio::experimental::awaitable_operators;
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        auto [header_ec, header_n] =
            co_await http::async_read_header(client, buffer, parser, use_tuple);
        if (header_ec)
            co_return;
        ProxiedRequest entry{std::string(parser.get().method_string()),
                             std::string(parser.get().target()),
                             parser.get().count(http::field::proxy_authorization) > 0,
                             parser.get().count(http::field::authorization) > 0, 0};
        if (!authorized(parser.get()[http::field::proxy_authorization])) {
            entry.status = 407;
            record(entry);
            co_await answer(client, http::status::proxy_authentication_required, false, true);
            co_return;
        }

        if (parser.get().method() == http::verb::connect) {
            const auto colon = entry.target.rfind(':');
            std::string host = entry.target.substr(0, colon);
            if (host.size() > 1 && host.front() == '[')
                host = host.substr(1, host.size() - 2);
            // No co_await inside ?: (GCC 12 frees its temporaries wrongly there).
            std::optional<tcp::socket> upstream;
            if (colon != std::string::npos) {
                const std::string port = entry.target.substr(colon + 1);
                upstream = co_await dial(host, port);
            }
            entry.status = upstream ? 200 : 502;
            record(entry);
            if (!upstream) {
                co_await answer(client, http::status::bad_gateway, false);
                co_return;
            }
            const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
            auto [ec, n] = co_await asio::async_write(client, asio::buffer(established), use_tuple);
            if (ec)
                co_return;
            if (buffer.size() > 0) {  // bytes the client sent right behind its CONNECT
                co_await asio::async_write(*upstream, buffer.data(), use_tuple);
                buffer.consume(buffer.size());
            }
            co_await (pump(client, *upstream) && pump(*upstream, client));
            co_return;
        }

        auto [body_ec, body_n] = co_await http::async_read(client, buffer, parser, use_tuple);
        if (body_ec)
            co_return;
        auto request = parser.release();
        const bool keep_alive = request.keep_alive();
        const auto url = boost::urls::parse_absolute_uri(entry.target);
        if (!url || url->scheme() != "http") {
            entry.status = 400;
            record(entry);
            co_await answer(client, http::status::bad_request, false);
            co_return;
        }
        const std::string upstream_host = url->host_address();
        const std::string upstream_port = url->has_port() ? std::string(url->port()) : "80";
        auto upstream = co_await dial(upstream_host, upstream_port);
        if (!upstream) {
            entry.status = 502;
            record(entry);
            co_await answer(client, http::status::bad_gateway, false);
            co_return;
        }
        // What an origin server receives: origin-form, no hop-by-hop proxy fields.
        request.target(url->encoded_target().empty() ? "/" : url->encoded_target());
        request.erase(http::field::proxy_authorization);
        request.erase(http::field::proxy_connection);
        request.keep_alive(false);
        auto [write_ec, written] = co_await http::async_write(*upstream, request, use_tuple);
        beast::flat_buffer upstream_buffer;
        http::response_parser<http::string_body> response_parser;
        response_parser.body_limit(body_limit);
        if (request.method() == http::verb::head)
            response_parser.skip(true);
        boost::system::error_code read_ec = write_ec;
        if (!write_ec) {
            auto [ec, n] =
                co_await http::async_read(*upstream, upstream_buffer, response_parser, use_tuple);
            read_ec = ec;
        }
        if (read_ec) {
            entry.status = 502;
            record(entry);
            co_await answer(client, http::status::bad_gateway, false);
            co_return;
        }
        auto response = response_parser.release();
        entry.status = static_cast<int>(response.result_int());
        record(entry);
        response.keep_alive(keep_alive);
        auto [reply_ec, reply_n] = co_await http::async_write(client, response, use_tuple);
        if (reply_ec || !keep_alive)
            co_return;
    }
}

}  // namespace regmigrate::testing
