#include "transport/http/http_client.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/url/parse.hpp>

namespace regmigrate::transport {

namespace asio = boost::asio;

std::string describe_request(http::verb method, boost::urls::url_view url) {
    std::string text(http::to_string(method));
    text += ' ';
    text += url.encoded_host_and_port();
    text += url.encoded_path();
    return text;
}

std::string header_value(const http::fields& headers, std::string_view name) {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : std::string(it->value());
}

std::optional<boost::urls::url> redirect_target(http::verb method, int status,
                                                std::string_view location,
                                                boost::urls::url_view current, bool replayable) {
    const bool redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!redirect || location.empty())
        return std::nullopt;
    const bool safe = method == http::verb::get || method == http::verb::head;
    const bool keeps_method = status == 307 || status == 308;
    if (!safe && !(keeps_method && replayable) && status != 303)
        return std::nullopt;
    auto ref = boost::urls::parse_uri_reference(location);
    if (!ref)
        return std::nullopt;
    boost::urls::url target;
    if (!boost::urls::resolve(current, *ref, target))
        return std::nullopt;
    if (target.scheme_id() != boost::urls::scheme::http &&
        target.scheme_id() != boost::urls::scheme::https) {
        return std::nullopt;
    }
    const bool resends_body = !safe && keeps_method;
    if (resends_body && !same_origin(current, target))
        return std::nullopt;
    target.remove_fragment();
    return target;
}

bool same_origin(boost::urls::url_view from, boost::urls::url_view to) {
    auto a = origin_of(from);
    auto b = origin_of(to);
    return a && b && boost::iequals(a->host, b->host) && a->port == b->port &&
           a->scheme == b->scheme;
}

Expected<OriginTls> make_origin_tls(const ClientOptions& options) {
    OriginTls result;
    auto home = make_tls_context(options.tls);
    if (!home)
        return home.error();
    result.home = *home;
    result.verify_home = options.tls.mode != TlsMode::insecure;
    result.other = *home;
    if (options.registry_authority.empty())
        return result;
    boost::urls::url base;
    base.set_scheme(options.tls.mode == TlsMode::disabled ? "http" : "https");
    const auto authority = boost::urls::parse_authority(options.registry_authority);
    if (!authority) {
        return make_error(ErrorKind::invalid_argument,
                          "invalid registry host \"" + options.registry_authority + "\"");
    }
    base.set_encoded_authority(authority->buffer());
    auto origin = origin_of(base);
    if (!origin)
        return origin.error();
    result.home_origin = std::move(*origin);
    // Only what is the registry's own needs a second context: skipping verification, and
    // the client certificate.
    if (options.tls.mode == TlsMode::insecure || !options.tls.client_cert.empty()) {
        TlsOptions other;
        other.mode = TlsMode::enabled;
        other.ca_file = options.tls.ca_file;
        other.ca_dir = options.tls.ca_dir;
        auto context = make_tls_context(other);
        if (!context)
            return context.error();
        result.other = *context;
    }
    return result;
}

Expected<std::shared_ptr<HttpClient>> HttpClient::create(asio::any_io_executor executor,
                                                         ClientOptions options) {
    auto tls = make_origin_tls(options);
    if (!tls)
        return tls.error();
    auto pool = std::make_shared<ConnectionPool>(executor, std::move(*tls), options.timeouts,
                                                 options.max_connections_per_origin, options.proxy,
                                                 options.on_connection);
    return std::shared_ptr<HttpClient>(new HttpClient(std::move(options), std::move(pool)));
}

HttpClient::HttpClient(ClientOptions options, std::shared_ptr<ConnectionPool> pool)
    : options_(std::move(options)), pool_(std::move(pool)) {}

std::string_view HttpClient::scheme() const {
    return options_.tls.mode == TlsMode::disabled ? "http" : "https";
}

asio::awaitable<Expected<ResponseStream>> HttpClient::send_once(HttpRequest& request) {
    auto origin = origin_of(request.url);
    if (!origin)
        co_return origin.error();
    const bool replayable = request.body_source == nullptr;
    for (int attempt = 0;; ++attempt) {
        auto connection = co_await pool_->acquire(*origin, attempt > 0);
        if (!connection)
            co_return connection.error();
        const bool reused = (*connection)->reused();
        auto wrote = co_await (*connection)->write_request(request);
        Expected<void> read = wrote;
        if (wrote)
            read = co_await (*connection)->read_header(request.method == http::verb::head);
        if (read) {
            ResponseStream response(pool_, std::move(*connection), request.url, options_.timeouts);
            if (options_.on_response)
                options_.on_response(request.method, response.status());
            co_return response;
        }
        pool_->release(std::move(*connection));
        // A keep-alive connection the server closed between requests fails like this;
        // a request we can send again gets one more try on a new connection.
        const bool stale = reused && read.error().kind == ErrorKind::network;
        if (!(stale && replayable && attempt == 0)) {
            if (options_.on_response)
                options_.on_response(request.method, 0);
            co_return with_context(read.error(), describe_request(request.method, request.url));
        }
    }
}

asio::awaitable<Expected<ResponseStream>> HttpClient::send(HttpRequest request) {
    const boost::urls::url first_url = request.url;
    for (int hops = 0;; ++hops) {
        auto response = co_await send_once(request);
        if (!response || !request.follow_redirects)
            co_return response;
        auto target =
            redirect_target(request.method, response->status(), response->header("Location"),
                            request.url, request.body_source == nullptr);
        if (!target)
            co_return response;
        if (hops >= options_.max_redirects) {
            co_return make_error(ErrorKind::protocol,
                                 describe_request(request.method, first_url) + ": more than " +
                                     std::to_string(options_.max_redirects) + " redirects");
        }
        co_await response->discard();
        if (response->status() == 303 && request.method != http::verb::head) {
            request.method = http::verb::get;
            request.body.clear();
            request.body_source = nullptr;  // already consumed by the first request
            request.content_length.reset();
            request.headers.erase(http::field::content_type);
        }
        // Credentials belong to the origin they were issued for (storage redirects carry
        // their own signed URLs).
        if (!same_origin(first_url, *target)) {
            request.headers.erase(http::field::authorization);
            request.headers.erase(http::field::cookie);
        }
        request.url = std::move(*target);
    }
}

asio::awaitable<Expected<HttpResponse>> HttpClient::fetch(HttpRequest request,
                                                          std::size_t max_body) {
    auto response = co_await send(std::move(request));
    if (!response)
        co_return response.error();
    auto body = co_await response->read_all(max_body);
    if (!body)
        co_return body.error();
    HttpResponse result;
    result.status = response->status();
    result.headers = response->headers();
    result.body = std::move(*body);
    result.url = response->url();
    co_return result;
}

}  // namespace regmigrate::transport
