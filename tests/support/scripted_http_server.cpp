#include "tests/support/scripted_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>

namespace regmigrate::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Enough for the streamed uploads the transport tests send.
constexpr std::uint64_t max_request_body = 64 * 1024 * 1024;

asio::awaitable<void> answer_requests(ScriptedConnection& connection, Responder responder,
                                      std::size_t close_after, std::chrono::milliseconds delay) {
    for (std::size_t served = 0; served < close_after; ++served) {
        auto request = co_await connection.read_request();
        if (!request) {
            co_return;
        }
        if (delay.count() > 0) {
            co_await connection.pause(delay);
        }
        co_await connection.respond(responder(*request));
    }
}

}  // namespace

std::string ScriptedRequest::header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
}

ScriptedReply redirect_reply(int status, std::string location) {
    return ScriptedReply{status, "", {{"Location", std::move(location)}}};
}

ConnectionHandler answer_each(Responder responder, std::size_t close_after,
                              std::chrono::milliseconds delay) {
    // Not a coroutine itself: the responder is copied into each connection's frame.
    return [responder = std::move(responder), close_after, delay](ScriptedConnection& connection) {
        return answer_requests(connection, responder, close_after, delay);
    };
}

// ---- ScriptedConnection ----

ScriptedConnection::ScriptedConnection(ScriptedHttpServer& server, std::size_t index,
                                       std::unique_ptr<PlainStream> plain,
                                       std::unique_ptr<TlsStream> tls)
    : server_(server), index_(index), plain_(std::move(plain)), tls_(std::move(tls)) {}

ScriptedConnection::PlainStream& ScriptedConnection::lowest_layer() {
    return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

template <class Op>
auto ScriptedConnection::on_stream(Op op) {
    return tls_ ? op(*tls_) : op(*plain_);
}

asio::awaitable<std::optional<ScriptedRequest>> ScriptedConnection::read_request() {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_request_body);
    auto [ec, n] = co_await on_stream(
        [&](auto& stream) { return http::async_read(stream, buffer_, parser, use_tuple); });
    if (ec) {
        co_return std::nullopt;
    }
    auto message = parser.release();
    ScriptedRequest request;
    request.method = message.method();
    request.target = std::string(message.target());
    for (const auto& field : message) {
        request.headers.insert(field.name_string(), field.value());
    }
    request.body = std::move(message.body());
    request.connection = index_;
    request.client_certificate =
        tls_ && SSL_get0_peer_certificate(tls_->native_handle()) != nullptr;
    server_.record(request);
    co_return request;
}

asio::awaitable<void> ScriptedConnection::respond(const ScriptedReply& reply) {
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    for (const auto& [name, value] : reply.headers) {
        response.set(name, value);
    }
    response.body() = reply.body;
    response.keep_alive(true);
    if (reply.chunked) {
        response.chunked(true);
    } else {
        response.prepare_payload();
    }
    co_await on_stream(
        [&](auto& stream) { return http::async_write(stream, response, use_tuple); });
}

asio::awaitable<void> ScriptedConnection::send_raw(std::string bytes) {
    co_await on_stream(
        [&](auto& stream) { return asio::async_write(stream, asio::buffer(bytes), use_tuple); });
}

asio::awaitable<void> ScriptedConnection::pause(std::chrono::milliseconds duration) {
    asio::steady_timer timer(lowest_layer().get_executor(), duration);
    co_await timer.async_wait(use_tuple);
}

asio::awaitable<void> ScriptedConnection::wait_for_client_close() {
    std::array<char, 4096> sink;
    for (;;) {
        auto [ec, n] = co_await on_stream(
            [&](auto& stream) { return stream.async_read_some(asio::buffer(sink), use_tuple); });
        if (ec) {
            co_return;
        }
    }
}

void ScriptedConnection::close() {
    boost::system::error_code ignored;
    lowest_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest_layer().socket().close(ignored);
}

// ---- ScriptedHttpServer ----

struct ScriptedHttpServer::Loop {
    asio::io_context ioc{1};
    ssl::context tls_context{ssl::context::tls_server};
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
};

ScriptedHttpServer::ScriptedHttpServer(ConnectionHandler handler, std::optional<CertFiles> tls,
                                       std::optional<std::filesystem::path> client_ca)
    : handler_(std::move(handler)), tls_(tls.has_value()), loop_(std::make_unique<Loop>()) {
    if (tls) {
        loop_->tls_context.use_certificate_chain_file(tls->cert.string());
        loop_->tls_context.use_private_key_file(tls->key.string(), ssl::context::pem);
    }
    if (client_ca) {
        // verify_peer without fail_if_no_peer_cert: a certificate is asked for, not required.
        loop_->tls_context.load_verify_file(client_ca->string());
        loop_->tls_context.set_verify_mode(ssl::verify_peer);
    }
    port_ = loop_->acceptor.local_endpoint().port();
    asio::co_spawn(loop_->ioc, accept_loop(), asio::detached);
    thread_ = std::thread([this] { loop_->ioc.run(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
    loop_->ioc.stop();
    thread_.join();
    // Destroys the suspended connection coroutines while the handler they run still exists.
    loop_.reset();
}

std::string ScriptedHttpServer::url(std::string_view path, std::string_view host) const {
    return std::string(tls_ ? "https://" : "http://") + std::string(host) + ":" +
           std::to_string(port_) + std::string(path);
}

std::size_t ScriptedHttpServer::requests_received() const {
    std::lock_guard lock(requests_mutex_);
    return requests_.size();
}

std::vector<ScriptedRequest> ScriptedHttpServer::requests() const {
    std::lock_guard lock(requests_mutex_);
    return requests_;
}

void ScriptedHttpServer::record(const ScriptedRequest& request) {
    std::lock_guard lock(requests_mutex_);
    requests_.push_back(request);
}

asio::awaitable<void> ScriptedHttpServer::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await loop_->acceptor.async_accept(use_tuple);
        if (ec) {
            co_return;
        }
        const std::size_t index = accepted_++;
        asio::co_spawn(
            loop_->ioc,
            serve(std::make_unique<ScriptedConnection::PlainStream>(std::move(socket)), index),
            asio::detached);
    }
}

asio::awaitable<void> ScriptedHttpServer::serve(
    std::unique_ptr<ScriptedConnection::PlainStream> stream, std::size_t index) {
    // Only this thread writes the counters, so load-then-store is race-free.
    max_open_ = std::max(max_open_.load(), ++open_);
    struct OpenGuard {
        std::atomic<std::size_t>& open;
        ~OpenGuard() { --open; }
    } guard{open_};

    std::unique_ptr<ScriptedConnection::TlsStream> tls;
    if (tls_) {
        tls =
            std::make_unique<ScriptedConnection::TlsStream>(std::move(*stream), loop_->tls_context);
        stream.reset();
        beast::get_lowest_layer(*tls).expires_after(std::chrono::seconds(10));
        auto [ec] = co_await tls->async_handshake(ssl::stream_base::server, use_tuple);
        if (ec) {
            co_return;  // the client refused our certificate: nothing to serve
        }
        beast::get_lowest_layer(*tls).expires_never();
    }
    ScriptedConnection connection(*this, index, std::move(stream), std::move(tls));
    co_await handler_(connection);
    connection.close();
}

}  // namespace regmigrate::testing
