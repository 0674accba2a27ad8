#include "tools/faultproxy/proxy_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <ctime>
#include <iostream>
#include <optional>

namespace regmigrate::faultproxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// "Sun, 06 Nov 1994 08:49:37 GMT", `seconds` from now.
std::string imf_fixdate_from_now(std::uint64_t seconds) {
    const std::time_t when = std::time(nullptr) + static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&when, &utc);
    char text[40];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return text;
}

// The answer of a status fault, in the distribution error format.
Response refused_upload_part(const Request& request, const std::string& why) {
    Response response{http::status::bad_request, request.version()};
    response.set(http::field::content_type, "application/json");
    boost::json::object error{{"code", "BLOB_UPLOAD_INVALID"}, {"message", why}};
    response.body() =
        boost::json::serialize(boost::json::object{{"errors", boost::json::array{error}}});
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

Response injected_answer(const FaultRule& rule, const Request& request) {
    Response response{static_cast<http::status>(rule.status), request.version()};
    response.set(http::field::content_type, "application/json");
    if (rule.retry_after) {
        response.set(http::field::retry_after,
                     rule.retry_after->form == RetryAfterForm::seconds
                         ? std::to_string(rule.retry_after->seconds)
                         : imf_fixdate_from_now(rule.retry_after->seconds));
    }
    if (request.method() != http::verb::head) {
        response.body() =
            R"({"errors":[{"code":"UNAVAILABLE","message":"injected by faultproxy"}]})";
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

void close_gracefully(beast::tcp_stream& stream) {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
}

// An RST instead of a FIN: the peer sees "connection reset by peer".
void close_with_reset(beast::tcp_stream& stream) {
    beast::error_code ignored;
    stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream.socket().close(ignored);
}

// The header and the first `cut` body bytes of an answer, and nothing more.
asio::awaitable<void> write_cut(beast::tcp_stream& client, Response& response, std::size_t cut) {
    http::response_serializer<http::string_body> serializer(response);
    auto [header_ec, header_n] = co_await http::async_write_header(client, serializer, use_tuple);
    if (header_ec)
        co_return;
    co_await asio::async_write(client, asio::buffer(response.body().data(), cut), use_tuple);
}

// Holds this exchange (a far registry's latency, a stall); nothing for zero.
asio::awaitable<void> wait_for(std::chrono::milliseconds delay) {
    if (delay.count() == 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(use_tuple);
}

struct Upstream {
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;

    void close() {
        if (stream)
            close_gracefully(*stream);
        stream.reset();
        buffer.clear();
    }
};

}  // namespace

ProxyServer::ProxyServer(asio::io_context& io, ProxyOptions options, FaultSchedule& schedule)
    : io_(io),
      options_(std::move(options)),
      schedule_(schedule),
      acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), options_.port)) {
    if (options_.min_upload_part)
        part_check_.emplace(*options_.min_upload_part);
}

std::uint16_t ProxyServer::port() const {
    return acceptor_.local_endpoint().port();
}

void ProxyServer::start() {
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

asio::awaitable<void> ProxyServer::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted)
            co_return;
        if (ec)
            continue;
        if (connections_ >= options_.max_connections) {
            beast::error_code ignored;
            socket.close(ignored);
            continue;
        }
        ++clients_accepted_;
        asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> ProxyServer::serve(tcp::socket socket) {
    ++connections_;
    struct Release {
        std::size_t& count;
        ~Release() { --count; }
    } release{connections_};

    beast::tcp_stream client(std::move(socket));
    beast::flat_buffer client_buffer;
    Upstream upstream;
    const auto upstream_endpoint =
        tcp::endpoint(asio::ip::make_address(options_.upstream_host), options_.upstream_port);

    // One exchange with the registry; a kept-alive connection it closed meanwhile is
    // replaced once.
    auto forward =
        [&](const Request& request,
            std::chrono::milliseconds connect_delay) -> asio::awaitable<std::optional<Response>> {
        for (int attempt = 0; attempt < 2; ++attempt) {
            const bool reused = upstream.stream.has_value();
            if (!reused) {
                ++upstream_connections_;
                co_await wait_for(connect_delay);
                upstream.stream.emplace(co_await asio::this_coro::executor);
                upstream.stream->expires_after(options_.io_timeout);
                auto [connect_ec] =
                    co_await upstream.stream->async_connect(upstream_endpoint, use_tuple);
                if (connect_ec) {
                    upstream.close();
                    co_return std::nullopt;
                }
            }
            upstream.stream->expires_after(options_.io_timeout);
            auto [write_ec, written] =
                co_await http::async_write(*upstream.stream, request, use_tuple);
            if (!write_ec) {
                http::response_parser<http::string_body> parser;
                parser.body_limit(options_.max_body);
                if (request.method() == http::verb::head)
                    parser.skip(true);
                upstream.stream->expires_after(options_.io_timeout);
                auto [read_ec, read] =
                    co_await http::async_read(*upstream.stream, upstream.buffer, parser, use_tuple);
                if (!read_ec) {
                    Response response = parser.release();
                    if (!response.keep_alive())
                        upstream.close();
                    co_return response;
                }
            }
            upstream.close();
            if (!reused)
                break;
        }
        co_return std::nullopt;
    };

    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(options_.max_body);
        client.expires_after(options_.io_timeout);
        auto [read_ec, read] = co_await http::async_read(client, client_buffer, parser, use_tuple);
        if (read_ec)
            break;
        Request request = parser.release();
        const bool keep_alive = request.keep_alive();
        const std::string method(request.method_string());
        const std::string target(request.target());
        const FaultRule* fault = schedule_.next(method, target);
        if (fault && options_.log_injections) {
            std::cerr << "faultproxy: " << fault->text << " on " << method << " "
                      << target.substr(0, target.find('?')) << std::endl;
        }
        // Before any answer, the proxy's own included: it stands for the far registry.
        const Latency latency = schedule_.latency(method, target);
        co_await wait_for(latency.request);

        std::optional<std::string> bad_part;
        if (part_check_)
            bad_part = part_check_->check(method, target, request.body().size());
        if (bad_part || (fault && fault->kind == FaultKind::status)) {
            Response answer = bad_part ? refused_upload_part(request, *bad_part)
                                       : injected_answer(*fault, request);
            client.expires_after(options_.io_timeout);
            auto [write_ec, written] = co_await http::async_write(client, answer, use_tuple);
            if (write_ec || !keep_alive)
                break;
            continue;
        }

        auto response = co_await forward(request, latency.connect);
        if (!response) {
            Response unreachable{http::status::bad_gateway, request.version()};
            unreachable.body() = "faultproxy: the upstream registry did not answer";
            unreachable.keep_alive(false);
            unreachable.prepare_payload();
            co_await http::async_write(client, unreachable, use_tuple);
            break;
        }
        // Re-framed with a Content-Length so a cut answer is a short body, not bad chunks.
        if (request.method() != http::verb::head && response->chunked()) {
            response->chunked(false);
            response->content_length(response->body().size());
        }
        auto& body = response->body();
        const auto strike = [&] { return static_cast<std::size_t>(fault->at * body.size()); };
        client.expires_after(options_.io_timeout);
        if (fault && (fault->kind == FaultKind::reset || fault->kind == FaultKind::truncate)) {
            // Without a body there is nothing to cut: the connection goes before the answer.
            if (!body.empty())
                co_await write_cut(client, *response, strike());
            if (fault->kind == FaultKind::reset) {
                close_with_reset(client);
            } else {
                close_gracefully(client);
            }
            co_return;
        }
        if (fault && fault->kind == FaultKind::flip && !body.empty())
            body[strike()] ^= '\xff';
        if (fault && fault->kind == FaultKind::stall) {
            co_await wait_for(fault->stall);
            client.expires_after(options_.io_timeout);
        }
        if (options_.log_requests) {
            std::cerr << "faultproxy: request " << method << " "
                      << target.substr(0, target.find('?')) << " " << response->result_int()
                      << std::endl;
        }
        auto [write_ec, written] = co_await http::async_write(client, *response, use_tuple);
        if (write_ec || !keep_alive || !response->keep_alive())
            break;
        if (fault && fault->kind == FaultKind::drop)
            break;
    }
    close_gracefully(client);
    upstream.close();
}

}  // namespace regmigrate::faultproxy
