// Decides the Authorization header for a registry: nothing, Basic, or a Bearer token
// obtained from the challenge's realm for a set of scopes and cached until it expires.
#pragma once

#include "registry/auth_challenge.hpp"
#include "registry/credentials.hpp"
#include "transport/http_client.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regmigrate::registry {

using Scopes = std::vector<std::string>;

inline Scopes pull_scope(std::string_view repo) { return {repository_scope(repo, "pull")}; }
inline Scopes push_scope(std::string_view repo) { return {repository_scope(repo, "pull,push")}; }

class Authenticator {
public:
    Authenticator(std::shared_ptr<transport::HttpClient> http, std::string registry_host,
                  Credentials credentials);

    // The header to send for these scopes, fetching a token if the registry wants bearer
    // auth; nothing while the registry has not asked for authentication.
    boost::asio::awaitable<Expected<std::optional<std::string>>> authorization(const Scopes& scopes);

    // Learns from a 401's WWW-Authenticate. Forgets the token cached for these scopes
    // (it was refused). Errors when the challenge cannot be answered.
    Expected<void> on_challenge(std::string_view www_authenticate, const Scopes& scopes);

    std::size_t tokens_fetched() const { return tokens_fetched_; }

private:
    struct CachedToken {
        std::string header;
        std::chrono::steady_clock::time_point expires;
    };
    boost::asio::awaitable<Expected<CachedToken>> fetch_token(const Scopes& scopes);

    std::shared_ptr<transport::HttpClient> http_;
    std::string registry_host_;
    Credentials credentials_;
    std::optional<AuthChallenge> challenge_;  // the scheme the registry asked for
    std::map<std::string, CachedToken> tokens_;  // key: scopes joined by ' '
    std::size_t tokens_fetched_ = 0;
};

// Whether the token realm may receive the user's password: only over TLS or to loopback.
bool may_send_credentials(boost::urls::url_view realm);

}  // namespace regmigrate::registry
