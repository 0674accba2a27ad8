// The decisions of our token server, from distribution's token auth spec
// (https://distribution.github.io/distribution/spec/auth/token/ and .../auth/scope/):
// parsing requested scopes, granting the intersection of requested and allowed actions,
// and the RS256 JWT the registry verifies (x5c chain to its rootcertbundle).
#pragma once

#include "tests/support/test_pki.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::testing {

// "repository:team/app:pull,push" → {"repository", "team/app", {"pull", "push"}}.
struct ResourceScope {
    std::string type;
    std::string name;
    std::vector<std::string> actions;

    bool operator==(const ResourceScope&) const = default;
};

// nullopt when there are fewer than three ':'-separated parts. The name may itself
// contain ':', so type ends at the first ':' and actions start after the last.
std::optional<ResourceScope> parse_scope(std::string_view text);

struct AccessRule {
    std::string type = "repository";
    std::string name_pattern;  // ECMAScript regex matched against the whole name
    std::vector<std::string> actions;
};

// For each requested scope, the requested actions some matching rule allows; scopes left
// with no action are dropped, as real token servers do.
std::vector<ResourceScope> grant_access(const std::vector<AccessRule>& rules,
                                        const std::vector<ResourceScope>& requested);

struct TokenClaims {
    std::string issuer;
    std::string subject;
    std::string audience;  // the registry's service name
    std::vector<ResourceScope> access;
    std::chrono::system_clock::time_point issued_at;
    std::chrono::seconds lifetime{300};
    std::string id;  // jti
};

// Signs tokens with an RSA key whose certificate goes in the x5c header.
class JwtSigner {
  public:
    // Throws std::runtime_error when the files are unreadable or the key is not RSA.
    explicit JwtSigner(const CertFiles& signer);
    std::string sign(const TokenClaims& claims) const;

  private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
    std::string certificate_der_base64_;
};

// Random 128-bit hex, for jti.
std::string random_token_id();

}  // namespace regmigrate::testing
