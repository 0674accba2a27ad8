// Decides the Authorization header for a registry: nothing, Basic, or a Bearer token
// obtained from the challenge's realm for a set of scopes and cached until it is due for
// renewal (token_renewal: ahead of the expires_in its server gave).
// Bearer tokens are asked for with Basic credentials (GET), or, for an identity token,
// with an OAuth2 refresh-token grant (POST) as docker does.
#pragma once

#include "registry/auth/auth_challenge.hpp"
#include "registry/auth/credentials.hpp"
#include "registry/auth/renewable_credentials.hpp"
#include "registry/auth/token_cache.hpp"
#include "transport/http/http_client.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace regmigrate::registry {

using Scopes = std::vector<std::string>;

inline Scopes pull_scope(std::string_view repo) {
    return {repository_scope(repo, "pull")};
}
inline Scopes push_scope(std::string_view repo) {
    return {repository_scope(repo, "pull,push")};
}

class Authenticator {
  public:
    // renewable, when set, replaces `credentials` as they are renewed (see
    // RenewableCredentials); tokens obtained with the old ones are dropped.
    // allow_plain_http_credentials: the user's explicit consent to send the password over
    // plain HTTP to a host that is not loopback (see registry/auth/cleartext_credentials.hpp).
    Authenticator(std::shared_ptr<transport::HttpClient> http, std::string registry_host,
                  Credentials credentials,
                  std::shared_ptr<RenewableCredentials> renewable = nullptr,
                  bool allow_plain_http_credentials = false);

    // The header to send for these scopes, fetching a token if the registry wants bearer
    // auth; nothing while the registry has not asked for authentication.
    boost::asio::awaitable<Expected<std::optional<std::string>>> authorization(
        const Scopes& scopes);

    // Learns from a 401's WWW-Authenticate. Forgets the token cached for these scopes
    // (it was refused). Errors when the challenge cannot be answered. Only the registry's
    // own answers may be passed here: a challenge decides where our credentials go.
    Expected<void> on_challenge(std::string_view www_authenticate, const Scopes& scopes);

    std::size_t tokens_fetched() const { return tokens_fetched_; }

  private:
    struct CachedToken {
        std::string header;
        std::chrono::steady_clock::time_point expires;  // renewed from then on
    };
    boost::asio::awaitable<Expected<CachedToken>> fetch_token(const Scopes& scopes);
    // GET REALM?service=..&scope=..[&account=USER] with Basic credentials when we have them.
    Expected<transport::HttpRequest> basic_token_request(const Scopes& scopes) const;

    std::shared_ptr<transport::HttpClient> http_;
    std::string registry_host_;
    Credentials credentials_;
    std::shared_ptr<RenewableCredentials> renewable_;
    bool allow_plain_http_credentials_;
    std::optional<AuthChallenge> challenge_;  // the scheme the registry asked for
    TokenCache tokens_;                       // key: scopes joined by ' '
    std::size_t tokens_fetched_ = 0;
};

// The OAuth2 refresh-token grant that trades an identity token for an access token
// (distribution's token authentication, OAuth2 flavour): a form POST to the realm with
// grant_type, refresh_token, service, scope (space separated) and client_id.
Expected<transport::HttpRequest> refresh_token_request(std::string_view realm,
                                                       std::string_view service,
                                                       const Scopes& scopes,
                                                       std::string_view refresh_token);

// Whether the token realm may receive the user's password without the user's explicit
// consent: only over TLS or to loopback (cleartext_credentials).
bool may_send_credentials(boost::urls::url_view realm);

}  // namespace regmigrate::registry
