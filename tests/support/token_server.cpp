#include "tests/support/token_server.hpp"

#include "tools/fleet/codec.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <ctime>
#include <functional>

namespace regmigrate::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

TokenReply error_reply(int status, const std::string& code, const std::string& message) {
    const json::object error{{"code", code}, {"message", message}};
    return TokenReply{status, json::serialize(json::object{{"errors", json::array{error}}})};
}

std::string rfc3339(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

// Who is asking: nullopt for bad credentials, "" for anonymous.
std::optional<std::string> authenticate(const TokenServerOptions& options,
                                        std::string_view authorization) {
    if (authorization.empty()) {
        return std::string();
    }
    constexpr std::string_view kBasic = "Basic ";
    if (authorization.substr(0, kBasic.size()) != kBasic) {
        return std::nullopt;
    }
    const auto decoded = fleet::base64_decode(authorization.substr(kBasic.size()));
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    const std::string user = decoded->substr(0, colon);
    const auto it = options.users.find(user);
    if (it == options.users.end() || it->second.password != decoded->substr(colon + 1)) {
        return std::nullopt;
    }
    return user;
}

// Scopes as requested: several parameters, or several scopes joined by spaces in one.
void add_scopes(std::string_view value, std::vector<ResourceScope>& requested) {
    while (!value.empty()) {
        const auto space = value.find(' ');
        if (auto scope = parse_scope(value.substr(0, space))) {
            requested.push_back(std::move(*scope));
        }
        value = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
    }
}

// A signed token for subject ("" = anonymous) with what its rules grant of `requested`.
TokenReply issue_token(const TokenServerOptions& options, const JwtSigner& signer,
                       const std::string& subject, const std::string& service,
                       const std::vector<ResourceScope>& requested,
                       std::chrono::system_clock::time_point now) {
    if (service != options.service) {
        return error_reply(400, "INVALID_REQUEST", "unknown service '" + service + "'");
    }
    const auto& rules = subject.empty() ? options.anonymous_rules : options.users.at(subject).rules;
    const auto leeway = options.registry_leeway.count() > 0
                            ? options.registry_leeway - std::chrono::seconds(1)
                            : std::chrono::seconds(0);
    const TokenClaims claims{options.issuer,
                             subject,
                             options.service,
                             grant_access(rules, requested),
                             now,
                             options.lifetime - leeway,
                             random_token_id()};
    const std::string token = signer.sign(claims);
    const auto announced = options.announced_lifetime.value_or(options.lifetime);
    return TokenReply{200, json::serialize(json::object{{"token", token},
                                                        {"access_token", token},
                                                        {"expires_in", announced.count()},
                                                        {"issued_at", rfc3339(now)}})};
}

// OAuth2 errors (RFC 6749 section 5.2) are {"error": CODE}.
TokenReply oauth_error(int status, const std::string& code) {
    return TokenReply{status, json::serialize(json::object{{"error", code}})};
}

struct Request {
    http::verb method;
    std::string_view target;
    std::string_view authorization;
    std::string_view body;
};
using Handler = std::function<TokenReply(const Request& request)>;

asio::awaitable<void> serve_connection(tcp::socket socket, const Handler& handler,
                                       std::atomic<std::size_t>& served) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    try {
        for (;;) {
            http::request<http::string_body> request;
            stream.expires_after(std::chrono::seconds(30));
            co_await http::async_read(stream, buffer, request, asio::use_awaitable);
            const TokenReply reply =
                handler(Request{request.method(), request.target(),
                                request[http::field::authorization], request.body()});
            ++served;
            http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                                       request.version()};
            response.set(http::field::content_type, "application/json");
            if (reply.status == 401) {
                response.set(http::field::www_authenticate,
                             "Basic realm=\"regmigrate-test-token\"");
            }
            response.body() = reply.body;
            response.keep_alive(request.keep_alive());
            response.prepare_payload();
            co_await http::async_write(stream, response, asio::use_awaitable);
            if (!response.keep_alive()) {
                break;
            }
        }
    } catch (const boost::system::system_error&) {
        // The client went away or timed out; nothing to answer.
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, const Handler& handler,
                                         std::atomic<std::size_t>& served) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        asio::co_spawn(acceptor.get_executor(),
                       serve_connection(std::move(socket), handler, served), asio::detached);
    }
}

}  // namespace

TokenReply answer_token_request(const TokenServerOptions& options, const JwtSigner& signer,
                                std::string_view target, std::string_view authorization,
                                std::chrono::system_clock::time_point now) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url || url->path() != "/token") {
        return error_reply(404, "NOT_FOUND", "no such endpoint");
    }
    const auto subject = authenticate(options, authorization);
    if (!subject) {
        return error_reply(401, "UNAUTHORIZED", "invalid username or password");
    }
    std::string service;
    std::vector<ResourceScope> requested;
    for (const auto& param : url->params()) {
        if (param.key == "service") {
            service = param.value;
        } else if (param.key == "scope") {
            add_scopes(param.value, requested);
        }
    }
    return issue_token(options, signer, *subject, service, requested, now);
}

TokenReply answer_token_post(const TokenServerOptions& options, const JwtSigner& signer,
                             std::string_view target, std::string_view form,
                             std::chrono::system_clock::time_point now) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url || url->path() != "/token") {
        return error_reply(404, "NOT_FOUND", "no such endpoint");
    }
    // A form body reads like a query string, except that '+' stands for a space.
    std::string query;
    for (const char c : form) {
        query += c == '+' ? std::string("%20") : std::string(1, c);
    }
    if (!boost::urls::parse_query(query)) {
        return oauth_error(400, "invalid_request");
    }
    std::string grant_type, refresh_token, service, client_id;
    std::vector<ResourceScope> requested;
    for (const auto& param : boost::urls::params_view(query)) {
        if (param.key == "grant_type") {
            grant_type = param.value;
        } else if (param.key == "refresh_token") {
            refresh_token = param.value;
        } else if (param.key == "service") {
            service = param.value;
        } else if (param.key == "client_id") {
            client_id = param.value;
        } else if (param.key == "scope") {
            add_scopes(param.value, requested);
        }
    }
    if (grant_type != "refresh_token") {
        return oauth_error(400, "unsupported_grant_type");
    }
    if (client_id.empty()) {
        return oauth_error(400, "invalid_request");  // client_id is REQUIRED by the spec
    }
    const auto user = options.refresh_tokens.find(refresh_token);
    if (user == options.refresh_tokens.end() || !options.users.contains(user->second)) {
        return oauth_error(400, "invalid_grant");
    }
    return issue_token(options, signer, user->second, service, requested, now);
}

struct TokenServer::Loop {
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
    Handler handler;
};

TokenServer::TokenServer(TokenServerOptions options)
    : options_(std::move(options)), signer_(options_.signer), loop_(std::make_unique<Loop>()) {
    port_ = loop_->acceptor.local_endpoint().port();
    loop_->handler = [this](const Request& request) {
        const auto now = std::chrono::system_clock::now();
        if (request.method == http::verb::post) {
            return answer_token_post(options_, signer_, request.target, request.body, now);
        }
        return answer_token_request(options_, signer_, request.target, request.authorization, now);
    };
    asio::co_spawn(loop_->ioc, accept_connections(loop_->acceptor, loop_->handler, served_),
                   asio::detached);
    thread_ = std::thread([this] { loop_->ioc.run(); });
}

TokenServer::~TokenServer() {
    loop_->ioc.stop();
    thread_.join();
}

std::string TokenServer::realm() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/token";
}

RegistryTokenAuth TokenServer::registry_auth(const std::filesystem::path& root_cert_bundle) const {
    return RegistryTokenAuth{realm(), options_.service, options_.issuer, root_cert_bundle};
}

}  // namespace regmigrate::testing
