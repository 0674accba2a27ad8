#include "metrics/metrics_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <chrono>
#include <thread>

namespace regmigrate::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t max_header_bytes = 8 * 1024;
constexpr std::chrono::seconds io_timeout{10};
constexpr std::size_t max_requests_per_connection = 100;
constexpr std::size_t max_connections = 32;

Error invalid(std::string message) {
    return make_error(ErrorKind::invalid_argument, std::move(message));
}

}  // namespace

Expected<ListenAddress> parse_listen_address(std::string_view address) {
    const std::string shown = "'" + std::string(address) + "'";
    auto authority = boost::urls::parse_authority(address);
    if (!authority || authority->has_userinfo()) {
        return invalid("metrics address " + shown + " is not HOST:PORT");
    }
    if (!authority->has_port() || authority->port().empty()) {
        return invalid("metrics address " + shown + " has no port");
    }
    const auto port_text = authority->port();
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
        return invalid("metrics address " + shown + " has an invalid port");
    }
    ListenAddress out;
    out.host = std::string(authority->host_address());
    out.port = static_cast<uint16_t>(port);
    out.ipv6 = authority->host_type() == boost::urls::host_type::ipv6;
    return out;
}

EndpointAnswer answer_endpoint(std::string_view method, std::string_view target,
                               const Metrics& metrics, const HealthProbe& health) {
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics" && path != "/healthz")
        return {404, "text/plain; charset=utf-8", "not found: /metrics and /healthz are served\n"};
    if (method != "GET" && method != "HEAD")
        return {405, "text/plain; charset=utf-8", "method not allowed: GET or HEAD\n"};
    if (path == "/metrics")
        return {200, "text/plain; version=0.0.4; charset=utf-8", metrics.text_exposition()};
    const HealthStatus status = health ? health() : HealthStatus{true, "ok"};
    return {status.healthy ? 200u : 503u, "text/plain; charset=utf-8", status.reason + "\n"};
}

struct MetricsServer::State {
    State(const Metrics& m, HealthProbe h) : metrics(m), health(std::move(h)) {}

    asio::io_context loop{1};
    tcp::acceptor acceptor{loop};
    const Metrics& metrics;
    HealthProbe health;
    std::size_t connections = 0;  // touched only on the loop's thread
    uint16_t port = 0;            // bound, read from any thread
    std::thread thread;
};

namespace {

asio::awaitable<void> serve_connection(MetricsServer::State& state, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(max_header_bytes);
    for (std::size_t served = 0; served < max_requests_per_connection; ++served) {
        http::request_parser<http::empty_body> parser;
        parser.header_limit(max_header_bytes);
        // A body on GET is refused by the parser: empty_body takes none.
        stream.expires_after(io_timeout);
        auto [read_error, read_bytes] =
            co_await http::async_read(stream, buffer, parser, use_tuple);
        if (read_error)
            break;
        const auto& request = parser.get();
        const auto answer =
            answer_endpoint(request.method_string(), request.target(), state.metrics, state.health);
        http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                                   request.version()};
        response.set(http::field::content_type, answer.content_type);
        response.set(http::field::cache_control, "no-store");
        response.keep_alive(request.keep_alive());
        if (request.method() == http::verb::head) {
            response.content_length(answer.body.size());
        } else {
            response.body() = answer.body;
            response.prepare_payload();
        }
        stream.expires_after(io_timeout);
        auto [write_error, written] = co_await http::async_write(stream, response, use_tuple);
        if (write_error || !response.keep_alive())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_connections(MetricsServer::State& state) {
    asio::steady_timer pause(state.loop);
    for (;;) {
        auto [error, socket] = co_await state.acceptor.async_accept(use_tuple);
        if (error == asio::error::operation_aborted || !state.acceptor.is_open())
            co_return;
        if (error) {
            // Out of file descriptors and the like: wait instead of spinning on accept.
            pause.expires_after(std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (state.connections >= max_connections)
            continue;  // the socket closes as it goes out of scope
        ++state.connections;
        asio::co_spawn(state.loop, serve_connection(state, std::move(socket)),
                       [&state](std::exception_ptr) { --state.connections; });
    }
}

Expected<tcp::endpoint> listen_endpoint(const ListenAddress& address, std::string_view shown) {
    if (address.host.empty())
        return tcp::endpoint(tcp::v4(), address.port);
    beast::error_code error;
    const auto ip = asio::ip::make_address(address.host, error);
    if (!error)
        return tcp::endpoint(ip, address.port);
    asio::io_context resolving;
    tcp::resolver resolver(resolving);
    const auto found = resolver.resolve(address.host, std::to_string(address.port), error);
    if (error || found.empty()) {
        return make_error(ErrorKind::network, "cannot serve metrics on '" + std::string(shown) +
                                                  "': " + error.message());
    }
    return found.begin()->endpoint();
}

}  // namespace

MetricsServer::MetricsServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

MetricsServer::~MetricsServer() {
    asio::post(state_->loop, [this] {
        beast::error_code ignored;
        state_->acceptor.close(ignored);
        state_->loop.stop();
    });
    state_->thread.join();
}

Expected<std::unique_ptr<MetricsServer>> MetricsServer::start(std::string_view address,
                                                              const Metrics& metrics,
                                                              HealthProbe health) {
    auto parsed = parse_listen_address(address);
    if (!parsed)
        return parsed.error();
    auto endpoint = listen_endpoint(*parsed, address);
    if (!endpoint)
        return endpoint.error();
    auto state = std::make_unique<State>(metrics, std::move(health));
    beast::error_code error;
    auto& acceptor = state->acceptor;
    acceptor.open(endpoint->protocol(), error);
    if (!error)
        acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error)
        acceptor.bind(*endpoint, error);
    if (!error)
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
        return make_error(ErrorKind::network, "cannot serve metrics on '" + std::string(address) +
                                                  "': " + error.message());
    }
    state->port = acceptor.local_endpoint(error).port();
    asio::co_spawn(state->loop, accept_connections(*state), asio::detached);
    auto* running = state.get();
    state->thread = std::thread([running] { running->loop.run(); });
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(state)));
}

uint16_t MetricsServer::port() const {
    return state_->port;
}

}  // namespace regmigrate::metrics
