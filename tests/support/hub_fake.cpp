#include "tests/support/hub_fake.hpp"

#include "tests/support/http_fetch.hpp"
#include "tests/support/registry_catalog.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace regmigrate::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t hub_default_page_size = 10;

// Hub's API answers errors as {"message": ...} (older endpoints: {"detail": ...}).
HubListingReply listing_error(int status, const std::string& message) {
    return {status,
            json::serialize(json::object{{"message", message}, {"errinfo", json::object{}}})};
}

std::optional<std::size_t> positive(std::string_view text) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0)
        return std::nullopt;
    return value;
}

json::value page_url(std::string_view base_url, std::size_t page, std::size_t page_size) {
    return json::value(std::string(base_url) + "?page=" + std::to_string(page) +
                       "&page_size=" + std::to_string(page_size));
}

bool is_manifest_target(std::string_view target) {
    return target.starts_with("/v2/") && target.find("/manifests/") != std::string_view::npos;
}

// A HEAD answer keeps the upstream Content-Length with no body: written by hand, since the
// scripted server's respond() sizes Content-Length from the body.
std::string head_response(const ScriptedReply& reply) {
    std::string bytes =
        "HTTP/1.1 " + std::to_string(reply.status) + " " +
        std::string(http::obsolete_reason(static_cast<http::status>(reply.status))) + "\r\n";
    bool sized = false;
    for (const auto& [name, value] : reply.headers) {
        bytes += name + ": " + value + "\r\n";
        sized = sized || name == "content-length";
    }
    return bytes + (sized ? "" : "Content-Length: 0\r\n") + "\r\n";
}

}  // namespace

HubListingReply hub_listing_page(const std::string& namespace_name,
                                 const std::vector<std::string>& names, std::string_view base_url,
                                 boost::urls::params_view params, std::size_t max_page_size) {
    std::size_t page = 1;
    std::size_t page_size = std::min(hub_default_page_size, max_page_size);
    for (const auto& param : params) {
        const auto value = positive(param.value);
        if ((param.key == "page" || param.key == "page_size") && !value)
            return listing_error(400, param.key + " must be a positive integer");
        if (param.key == "page")
            page = *value;
        if (param.key == "page_size")
            page_size = std::min(*value, max_page_size);
    }
    const std::size_t first = (page - 1) * page_size;
    if (first >= names.size() && page > 1)
        return listing_error(404, "Invalid page.");
    json::array results;
    for (std::size_t i = first; i < std::min(names.size(), first + page_size); ++i) {
        results.push_back(json::object{{"name", names[i]},
                                       {"namespace", namespace_name},
                                       {"repository_type", "image"},
                                       {"status", 1},
                                       {"is_private", false},
                                       {"star_count", 0},
                                       {"pull_count", 0},
                                       {"last_updated", "2024-01-01T00:00:00.000000Z"},
                                       {"content_types", json::array{"image"}}});
    }
    const bool more = first + page_size < names.size();
    return {200, json::serialize(json::object{
                     {"count", names.size()},
                     {"next", more ? page_url(base_url, page + 1, page_size) : nullptr},
                     {"previous", page > 1 ? page_url(base_url, page - 1, page_size) : nullptr},
                     {"results", std::move(results)}})};
}

HubFake::HubFake(const TestPki& pki, HubFakeOptions options)
    : pki_(pki), options_(std::move(options)) {}

HubFake::~HubFake() = default;

void HubFake::open() {
    auto repositories = list_repositories(registry_.host());
    if (!repositories)
        throw std::runtime_error("hub fake: " + repositories.error().message);
    for (const auto& repository : *repositories) {
        const auto slash = repository.find('/');
        // Hub names are exactly NAMESPACE/NAME.
        if (slash != std::string::npos && repository.find('/', slash + 1) == std::string::npos)
            namespaces_[repository.substr(0, slash)].push_back(repository.substr(slash + 1));
    }

    TokenServerOptions token_options;
    token_options.signer = pki_.token_signer();
    token_options.issuer = "auth.docker.io";
    token_options.service = "registry.docker.io";
    token_options.anonymous_rules = {{"repository", ".*", {"pull"}}};
    tokens_ = std::make_unique<TokenServer>(token_options);
    RegistryOptions registry_options;
    registry_options.token = tokens_->registry_auth(pki_.token_ca().cert);
    registry_.restart(registry_options);

    proxy_ = std::make_unique<ScriptedHttpServer>(
        [this](ScriptedConnection& connection) { return serve_proxy(connection, *this); });
    listing_ = std::make_unique<ScriptedHttpServer>(
        answer_each([this](const ScriptedRequest& request) { return answer_listing(request); }));
}

asio::awaitable<void> HubFake::serve_proxy(ScriptedConnection& connection, HubFake& fake) {
    for (;;) {
        auto request = co_await connection.read_request();
        if (!request)
            co_return;
        const auto reply = fake.answer_registry(*request);
        if (request->method == http::verb::head) {
            co_await connection.send_raw(head_response(reply));
        } else {
            co_await connection.respond(reply);
        }
    }
}

std::string HubFake::registry_host() const {
    return "127.0.0.1:" + std::to_string(proxy_->port());
}

std::string HubFake::api_url() const {
    return listing_->url("");
}

std::size_t HubFake::pulls() const {
    std::lock_guard lock(mutex_);
    return pulls_;
}

std::size_t HubFake::throttled() const {
    std::lock_guard lock(mutex_);
    return throttled_;
}

std::vector<std::string> HubFake::listing_requests() const {
    std::vector<std::string> targets;
    for (const auto& request : listing_->requests())
        targets.push_back(request.target);
    return targets;
}

ScriptedReply HubFake::answer_listing(const ScriptedRequest& request) const {
    const auto target = boost::urls::parse_origin_form(request.target);
    if (request.method != http::verb::get || !target)
        return {405, R"({"message": "method not allowed"})"};
    const std::string path(target->path());
    std::string namespace_name;
    const std::string_view namespaces_prefix = "/v2/namespaces/";
    const std::string_view namespaces_suffix = "/repositories";
    const std::string_view repositories_prefix = "/v2/repositories/";
    if (path.starts_with(namespaces_prefix) && path.ends_with(namespaces_suffix) &&
        !options_.legacy_only) {
        namespace_name =
            path.substr(namespaces_prefix.size(),
                        path.size() - namespaces_prefix.size() - namespaces_suffix.size());
    } else if (path.starts_with(repositories_prefix) && path.ends_with('/')) {
        namespace_name =
            path.substr(repositories_prefix.size(), path.size() - repositories_prefix.size() - 1);
    }
    const auto found = namespaces_.find(namespace_name);
    if (namespace_name.empty() || found == namespaces_.end())
        return {404, listing_error(404, "object not found").body};
    // Page links name the host the client asked for, as Docker Hub's name its own. (Reading
    // listing_ here would race with open() assigning it: this runs on the server's thread.)
    const std::string page_url = "http://" + request.header("Host") + path;
    const auto page = hub_listing_page(namespace_name, found->second, page_url, target->params(),
                                       options_.max_page_size);
    return {page.status, page.body, {{"Content-Type", "application/json"}}};
}

std::uint64_t HubFake::remaining(Clock::time_point now) {
    while (!pull_times_.empty() && now - pull_times_.front() >= options_.window)
        pull_times_.pop_front();
    return options_.pull_limit - std::min<std::uint64_t>(options_.pull_limit, pull_times_.size());
}

void HubFake::add_rate_limit_headers(ScriptedReply& reply, std::uint64_t left) const {
    if (options_.pull_limit == 0)
        return;
    const std::string window = ";w=" + std::to_string(options_.window.count());
    reply.headers.emplace_back("RateLimit-Limit", std::to_string(options_.pull_limit) + window);
    reply.headers.emplace_back("RateLimit-Remaining", std::to_string(left) + window);
}

ScriptedReply HubFake::answer_registry(const ScriptedRequest& request) {
    if (request.method != http::verb::get && request.method != http::verb::head) {
        return {405, R"({"errors":[{"code":"UNSUPPORTED","message":"pull only"}]})"};
    }
    const bool manifest = is_manifest_target(request.target);
    // Hub counts a pull once the client is authorized (anonymous token included).
    const bool counted =
        manifest && request.method == http::verb::get && !request.header("Authorization").empty();
    if (counted) {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        const auto left = remaining(now);
        const bool scheduled = options_.throttled_pulls.contains(++manifest_gets_);
        if (scheduled || (options_.pull_limit > 0 && left == 0)) {
            ++throttled_;
            const auto wait = scheduled ? options_.retry_after
                                        : std::chrono::ceil<std::chrono::seconds>(
                                              options_.window - (now - pull_times_.front()));
            ScriptedReply reply{429,
                                R"({"errors":[{"code":"TOOMANYREQUESTS","message":)"
                                R"("You have reached your pull rate limit."}]})",
                                {{"Content-Type", "application/json"},
                                 {"Retry-After", std::to_string(wait.count())}}};
            add_rate_limit_headers(reply, left);
            return reply;
        }
    }

    FetchRequest forward;
    forward.method = std::string(http::to_string(request.method));
    forward.url = "http://" + registry_.host() + request.target;
    forward.timeout = std::chrono::seconds(10);
    for (const auto* name : {"Authorization", "Accept"}) {
        if (const auto value = request.header(name); !value.empty())
            forward.headers.emplace_back(name, value);
    }
    auto upstream = fetch(forward);
    if (!upstream)
        return {502, upstream.error().message};

    ScriptedReply reply{upstream->status, std::move(upstream->body), {}};
    for (const auto& [name, value] : upstream->headers) {
        // respond() sizes GET bodies itself; a HEAD answer keeps the upstream size.
        const bool sized_by_us = name == "content-length" && request.method != http::verb::head;
        if (!sized_by_us && name != "connection" && name != "transfer-encoding" &&
            name != "keep-alive")
            reply.headers.emplace_back(name, value);
    }
    if (manifest && upstream->status != 401) {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        if (counted && upstream->status == 200) {
            pull_times_.push_back(now);
            ++pulls_;
        }
        add_rate_limit_headers(reply, remaining(now));
    }
    return reply;
}

}  // namespace regmigrate::testing
