#include "transport/http/proxy_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>

namespace regmigrate::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// A CONNECT answer is a status line and a few headers; anything longer is not a proxy.
constexpr std::size_t connect_header_limit = 16 * 1024;

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// A reason phrase from the wire, kept printable and short for a one-line message.
std::string printable_reason(std::string_view reason) {
    std::string text(reason.substr(0, 100));
    std::replace_if(
        text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c >= 0x7f; }, '?');
    return text;
}

Error tunnel_failure(const boost::system::error_code& ec, const ProxyServer& proxy,
                     const Origin& origin) {
    const std::string where =
        "CONNECT to " + connect_authority(origin) + " through proxy " + proxy.address() + ": ";
    if (ec == beast::error::timeout)
        return make_error(ErrorKind::timeout, where + "timed out");
    return make_error(ErrorKind::network, where + ec.message());
}

}  // namespace

std::string connect_authority(const Origin& origin) {
    return bracketed(origin.host) + ":" + std::to_string(origin.port);
}

http::request<http::empty_body> connect_request(const Origin& origin, const ProxyServer& proxy) {
    const std::string authority = connect_authority(origin);
    http::request<http::empty_body> request{http::verb::connect, authority, 11};
    request.set(http::field::host, authority);
    if (const auto credentials = proxy.authorization(); !credentials.empty()) {
        request.set(http::field::proxy_authorization, credentials);
    }
    return request;
}

std::string absolute_form_target(const Origin& origin, boost::urls::url_view url) {
    std::string target = origin.scheme + "://" + connect_authority(origin);
    const auto path = url.encoded_path();
    target += path.empty() ? std::string_view("/") : std::string_view(path);
    if (url.has_query()) {
        target += '?';
        target += url.encoded_query();
    }
    return target;
}

Error proxy_refusal(const ProxyServer& proxy, std::string_view what, int status,
                    std::string_view reason) {
    std::string phrase = printable_reason(reason);
    if (phrase.empty())
        phrase = std::string(http::obsolete_reason(http::int_to_status(status)));
    const std::string message = "proxy " + proxy.address() + " refused " + std::string(what) +
                                " (HTTP " + std::to_string(status) + " " + phrase + ")";
    return make_error(status == 407 ? ErrorKind::unauthorized : ErrorKind::http, message, status);
}

bool tunnel_established(int status) {
    return status >= 200 && status < 300;
}

asio::awaitable<Expected<void>> open_tunnel(beast::tcp_stream& stream, const Origin& origin,
                                            const ProxyServer& proxy,
                                            std::chrono::milliseconds timeout) {
    // One deadline for the request and its answer: a proxy that accepts and never answers
    // fails like a registry that does.
    stream.expires_after(timeout);
    auto request = connect_request(origin, proxy);
    auto [write_ec, written] = co_await http::async_write(stream, request, use_tuple);
    if (write_ec)
        co_return tunnel_failure(write_ec, proxy, origin);

    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.header_limit(connect_header_limit);
    parser.skip(true);  // a 2xx to CONNECT has no body; after any other answer we hang up
    auto [read_ec, read] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (read_ec)
        co_return tunnel_failure(read_ec, proxy, origin);
    const auto& response = parser.get();
    const int status = static_cast<int>(response.result_int());
    if (!tunnel_established(status)) {
        co_return proxy_refusal(proxy, "CONNECT to " + connect_authority(origin), status,
                                response.reason());
    }
    // The registry speaks first inside the tunnel only after our ClientHello; bytes already
    // here came from the proxy and would corrupt the TLS stream.
    if (buffer.size() != 0) {
        co_return make_error(ErrorKind::protocol, "proxy " + proxy.address() +
                                                      " sent data after accepting CONNECT to " +
                                                      connect_authority(origin));
    }
    co_return Expected<void>{};
}

}  // namespace regmigrate::transport
