#include "registry/auth/authenticator.hpp"

#include "registry/auth/cleartext_credentials.hpp"
#include "registry/auth/token_renewal.hpp"
#include "registry/auth/token_response.hpp"
#include "registry/distribution/registry_error.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t max_token_body = 1024 * 1024;

// The client_id the OAuth2 grant names us by (docker sends "docker").
constexpr std::string_view oauth_client_id = "regmigrate";

std::string scope_key(const Scopes& scopes) {
    std::string key;
    for (const auto& scope : scopes)
        key += scope + ' ';
    return key;
}

// application/x-www-form-urlencoded: everything but unreserved characters escaped, so a
// '+' in a token is never read back as a space.
void append_form_field(std::string& body, std::string_view name, std::string_view value) {
    if (!body.empty())
        body += '&';
    body += name;
    body += '=';
    body += boost::urls::encode(value, boost::urls::unreserved_chars);
}

}  // namespace

Expected<transport::HttpRequest> refresh_token_request(std::string_view realm,
                                                       std::string_view service,
                                                       const Scopes& scopes,
                                                       std::string_view refresh_token) {
    auto url = token_request_url(realm, {}, {});
    if (!url)
        return url.error();
    std::string scope;
    for (const auto& each : scopes) {
        if (each.empty())
            continue;
        if (!scope.empty())
            scope += ' ';
        scope += each;
    }
    transport::HttpRequest request;
    request.method = http::verb::post;
    request.url = *url;
    request.headers.set(http::field::content_type, "application/x-www-form-urlencoded");
    append_form_field(request.body, "grant_type", "refresh_token");
    append_form_field(request.body, "refresh_token", refresh_token);
    if (!service.empty())
        append_form_field(request.body, "service", service);
    if (!scope.empty())
        append_form_field(request.body, "scope", scope);
    append_form_field(request.body, "client_id", oauth_client_id);
    return request;
}

bool may_send_credentials(boost::urls::url_view realm) {
    return cleartext_credentials(realm, false) == CleartextCredentials::allowed;
}

Authenticator::Authenticator(std::shared_ptr<transport::HttpClient> http, std::string registry_host,
                             Credentials credentials,
                             std::shared_ptr<RenewableCredentials> renewable,
                             bool allow_plain_http_credentials)
    : http_(std::move(http)),
      registry_host_(std::move(registry_host)),
      credentials_(std::move(credentials)),
      renewable_(std::move(renewable)),
      allow_plain_http_credentials_(allow_plain_http_credentials) {}

Expected<transport::HttpRequest> Authenticator::basic_token_request(const Scopes& scopes) const {
    auto url = token_request_url(challenge_->param("realm"), challenge_->param("service"), scopes);
    if (!url)
        return url.error();
    transport::HttpRequest request;
    request.method = http::verb::get;
    request.url = *url;
    if (!credentials_.empty()) {
        request.url.params().append({"account", credentials_.username});
        request.headers.set(http::field::authorization, credentials_.basic_authorization());
    }
    return request;
}

Expected<void> Authenticator::on_challenge(std::string_view www_authenticate,
                                           const Scopes& scopes) {
    tokens_.erase(scope_key(scopes));
    auto challenges = parse_www_authenticate(www_authenticate);
    if (!challenges)
        return with_context(challenges.error(), registry_host_);
    for (const auto& challenge : *challenges) {
        if (challenge.scheme == "bearer" && !challenge.param("realm").empty()) {
            challenge_ = challenge;
            return {};
        }
    }
    for (const auto& challenge : *challenges) {
        if (challenge.scheme == "basic") {
            if (credentials_.username.empty() && credentials_.password.empty()) {
                return make_error(ErrorKind::unauthorized,
                                  registry_host_ + " requires a user and password (basic auth)");
            }
            challenge_ = challenge;
            return {};
        }
    }
    return make_error(ErrorKind::unauthorized, registry_host_ +
                                                   ": unsupported authentication challenge " +
                                                   quote_for_message(www_authenticate));
}

asio::awaitable<Expected<std::optional<std::string>>> Authenticator::authorization(
    const Scopes& scopes) {
    if (!challenge_)
        co_return std::optional<std::string>{};
    if (renewable_) {
        auto current = renewable_->current();
        if (!current)
            co_return with_context(current.error(), registry_host_);
        if (*current != credentials_) {
            credentials_ = std::move(*current);
            tokens_.clear();
        }
    }
    if (challenge_->scheme == "basic") {
        boost::urls::url registry;
        registry.set_scheme(http_->scheme());
        registry.set_encoded_authority(registry_host_);
        auto permitted = permit_cleartext_credentials(registry, allow_plain_http_credentials_,
                                                      registry_host_, http_->options().proxy);
        if (!permitted)
            co_return permitted.error();
        co_return credentials_.basic_authorization();
    }
    const auto key = scope_key(scopes);
    if (const std::string* cached = tokens_.find(key, std::chrono::steady_clock::now()))
        co_return *cached;
    auto token = co_await fetch_token(scopes);
    if (!token)
        co_return token.error();
    tokens_.insert(key, token->header, token->expires, std::chrono::steady_clock::now());
    co_return token->header;
}

asio::awaitable<Expected<Authenticator::CachedToken>> Authenticator::fetch_token(
    const Scopes& scopes) {
    auto built =
        credentials_.identity_token.empty()
            ? basic_token_request(scopes)
            : refresh_token_request(challenge_->param("realm"), challenge_->param("service"),
                                    scopes, credentials_.identity_token);
    if (!built)
        co_return with_context(built.error(), registry_host_ + " token realm");
    transport::HttpRequest request = std::move(*built);
    // The realm is where credentials were refused: name it, a proxy may have rewritten it.
    const std::string context = "token for " + registry_host_ + " (realm " +
                                quote_for_message(challenge_->param("realm")) + ")";
    if (!credentials_.empty()) {
        auto permitted =
            permit_cleartext_credentials(request.url, allow_plain_http_credentials_,
                                         registry_host_ + " (token realm)", http_->options().proxy);
        if (!permitted)
            co_return permitted.error();
    }
    // The token's life is counted from before it was asked for: never longer than the
    // server's count.
    const auto asked = std::chrono::steady_clock::now();
    auto response = co_await http_->fetch(std::move(request), max_token_body);
    if (!response)
        co_return with_context(response.error(), context);
    if (response->status != 200) {
        auto refused = error_from_response(response->status, response->body, context);
        // OAuth2 answers a refresh token it does not accept with 400 invalid_grant
        // (RFC 6749 5.2): the credentials were refused, as a 401 says for the others.
        if (response->status == 400 && !credentials_.identity_token.empty())
            refused.kind = ErrorKind::unauthorized;
        co_return refused;
    }
    auto token = parse_token_response(response->body);
    if (!token)
        co_return with_context(token.error(), context);
    ++tokens_fetched_;
    // Renewed ahead of its expiry (token_renewal), so a request does not carry it past it.
    co_return CachedToken{"Bearer " + token->token,
                          asked + bearer_token_renewal(token->expires_in)};
}

}  // namespace regmigrate::registry
