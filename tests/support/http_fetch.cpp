#include "tests/support/http_fetch.hpp"

#include "tools/fleet/bounded_run.hpp"
#include "tools/fleet/codec.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace regmigrate::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

struct Target {
    bool tls = false;
    std::string host;
    std::string port;
    std::string resource;
};

Expected<Target> parse_target(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
        return make_error(ErrorKind::invalid_argument, "not an http(s) URL: " + url);
    }
    Target target;
    target.tls = parsed->scheme() == "https";
    target.host = parsed->host_address();
    target.port = parsed->has_port() ? std::string(parsed->port()) : (target.tls ? "443" : "80");
    target.resource =
        parsed->encoded_target().empty() ? "/" : std::string(parsed->encoded_target());
    return target;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

class Runner {
  public:
    explicit Runner(std::chrono::milliseconds timeout) : timeout_(timeout) {}
    asio::io_context& context() { return ioc_; }

    template <class Stream, class Start>
    boost::system::error_code run(Stream& stream, Start start) {
        return fleet::run_bounded(ioc_, stream, timeout_, start);
    }

  private:
    std::chrono::milliseconds timeout_;
    asio::io_context ioc_;
};

Error network_error(const std::string& step, const FetchRequest& request,
                    const boost::system::error_code& ec) {
    const ErrorKind kind = ec == beast::error::timeout                        ? ErrorKind::timeout
                           : ec.category() == asio::error::get_ssl_category() ? ErrorKind::tls
                                                                              : ErrorKind::network;
    return make_error(kind, step + " " + request.url + ": " + ec.message());
}

template <class Stream>
Expected<FetchResponse> exchange(Runner& runner, Stream& stream, const FetchRequest& request,
                                 const Target& target) {
    http::request<http::string_body> message{http::string_to_verb(request.method), target.resource,
                                             11};
    message.set(http::field::host, target.host + ":" + target.port);
    message.set(http::field::user_agent, "regmigrate-test-support");
    for (const auto& [name, value] : request.headers) {
        message.set(name, value);
    }
    message.body() = request.body;
    message.keep_alive(false);
    message.prepare_payload();
    if (auto ec = runner.run(stream, [&](auto h) { http::async_write(stream, message, h); })) {
        return network_error("sending to", request, ec);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    parser.skip(message.method() == http::verb::head);
    if (auto ec =
            runner.run(stream, [&](auto h) { http::async_read(stream, buffer, parser, h); })) {
        return network_error("reading from", request, ec);
    }
    const auto& reply = parser.get();
    FetchResponse response;
    response.status = static_cast<int>(reply.result_int());
    for (const auto& field : reply) {
        response.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    }
    response.body = reply.body();
    return response;
}

Expected<void> configure_tls(ssl::context& context, const FetchRequest& request) {
    boost::system::error_code ec;
    if (request.ca_file) {
        context.load_verify_file(request.ca_file->string(), ec);
        context.set_verify_mode(ssl::verify_peer, ec);
    } else {
        context.set_verify_mode(ssl::verify_none, ec);
    }
    if (!ec && request.client_cert) {
        context.use_certificate_chain_file(request.client_cert->string(), ec);
    }
    if (!ec && request.client_key) {
        context.use_private_key_file(request.client_key->string(), ssl::context::pem, ec);
    }
    if (ec) {
        return make_error(ErrorKind::tls, "loading TLS files: " + ec.message());
    }
    return {};
}

}  // namespace

std::string FetchResponse::header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string basic_authorization(const std::string& user, const std::string& password) {
    return "Basic " + fleet::base64_encode(user + ":" + password);
}

Expected<FetchResponse> fetch(const FetchRequest& request) {
    auto target = parse_target(request.url);
    if (!target) {
        return target.error();
    }
    Runner runner(request.timeout);
    boost::system::error_code ec;
    tcp::resolver resolver(runner.context());
    const auto endpoints = resolver.resolve(target->host, target->port, ec);
    if (ec) {
        return network_error("resolving", request, ec);
    }
    if (!target->tls) {
        beast::tcp_stream stream(runner.context());
        if (ec = runner.run(stream, [&](auto h) { stream.async_connect(endpoints, h); }); ec) {
            return network_error("connecting to", request, ec);
        }
        return exchange(runner, stream, request, *target);
    }
    ssl::context context(ssl::context::tls_client);
    if (auto configured = configure_tls(context, request); !configured) {
        return configured.error();
    }
    beast::ssl_stream<beast::tcp_stream> stream(runner.context(), context);
    if (request.ca_file) {
        stream.set_verify_callback(ssl::host_name_verification(target->host));
    }
    if (ec = runner.run(
            stream, [&](auto h) { beast::get_lowest_layer(stream).async_connect(endpoints, h); });
        ec) {
        return network_error("connecting to", request, ec);
    }
    if (ec = runner.run(stream,
                        [&](auto h) { stream.async_handshake(ssl::stream_base::client, h); });
        ec) {
        return network_error("TLS handshake with", request, ec);
    }
    return exchange(runner, stream, request, *target);
}

}  // namespace regmigrate::testing
