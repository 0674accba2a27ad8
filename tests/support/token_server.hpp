// A small, faithful token server of ours for registries configured with
// `auth: token:`, built from distribution's public token auth spec
// (https://distribution.github.io/distribution/spec/auth/token/) and the JWT spec
// (RFC 7519), since no real one can run here. GET /token?service=S&scope=...&account=A
// with HTTP Basic credentials, or the OAuth2 flavour docker uses for identity tokens
// (https://distribution.github.io/distribution/spec/auth/oauth/): POST /token with the
// form grant_type=refresh_token&refresh_token=T&service=S&scope=S1 S2&client_id=C.
// Grants per ACL; answers {"token", "access_token", "expires_in", "issued_at"}. Serves
// 127.0.0.1 on a free port from one background thread.
#pragma once

#include "tests/support/registry_config.hpp"
#include "tests/support/token_issuer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace regmigrate::testing {

struct TokenUser {
    std::string password;
    std::vector<AccessRule> rules;
};

struct TokenServerOptions {
    CertFiles signer;  // RSA; its CA is the registry's rootcertbundle
    std::string issuer = "regmigrate-test-issuer";
    std::string service = "regmigrate-test-registry";
    std::map<std::string, TokenUser> users;
    // Identity (refresh) tokens accepted by the POST grant → the user each stands for.
    std::map<std::string, std::string> refresh_tokens;
    // Requests without credentials get these grants (like public repositories on a hub).
    std::vector<AccessRule> anonymous_rules;
    std::chrono::seconds lifetime{300};
    // docker-registry takes a token up to 60 s past its exp (distribution's token.Leeway,
    // for clock skew). Set to that, exp is signed that much earlier (plus one second for
    // iat's rounding down), so the registry refuses a token once `lifetime` has run out.
    std::chrono::seconds registry_leeway{0};
    // The expires_in answered, when not `lifetime`: a token the registry stops taking
    // before the client was told (revoked, or the server's clock ahead).
    std::optional<std::chrono::seconds> announced_lifetime;
};

// The HTTP reply to one token request, decided without sockets.
struct TokenReply {
    int status = 200;
    std::string body;  // JSON
};
// `target` is the request target ("/token?service=..."), `authorization` the
// Authorization header ("" when absent), `now` the issue time.
TokenReply answer_token_request(const TokenServerOptions& options, const JwtSigner& signer,
                                std::string_view target, std::string_view authorization,
                                std::chrono::system_clock::time_point now);
// A POST to `target` with an application/x-www-form-urlencoded `form`: the refresh-token
// grant (other grant types are refused with 400 unsupported_grant_type).
TokenReply answer_token_post(const TokenServerOptions& options, const JwtSigner& signer,
                             std::string_view target, std::string_view form,
                             std::chrono::system_clock::time_point now);

class TokenServer {
  public:
    explicit TokenServer(TokenServerOptions options);
    ~TokenServer();
    TokenServer(const TokenServer&) = delete;
    TokenServer& operator=(const TokenServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string realm() const;  // "http://127.0.0.1:PORT/token"
    const std::string& service() const { return options_.service; }
    const std::string& issuer() const { return options_.issuer; }
    // Requests answered so far, whatever the outcome.
    std::size_t requests_served() const { return served_; }
    // The `auth: token:` settings for a registry trusting this server's tokens.
    RegistryTokenAuth registry_auth(const std::filesystem::path& root_cert_bundle) const;

  private:
    struct Loop;
    TokenServerOptions options_;
    JwtSigner signer_;
    std::atomic<std::size_t> served_{0};
    std::uint16_t port_ = 0;
    std::unique_ptr<Loop> loop_;
    std::thread thread_;
};

}  // namespace regmigrate::testing
