#include "tests/support/token_issuer.hpp"

#include "tools/fleet/codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace regmigrate::testing {

namespace json = boost::json;

std::optional<ResourceScope> parse_scope(std::string_view text) {
    const auto first = text.find(':');
    const auto last = text.rfind(':');
    if (first == std::string_view::npos || first == last) {
        return std::nullopt;
    }
    ResourceScope scope{std::string(text.substr(0, first)),
                        std::string(text.substr(first + 1, last - first - 1)),
                        {}};
    std::string_view actions = text.substr(last + 1);
    while (!actions.empty()) {
        const auto comma = actions.find(',');
        const auto action = actions.substr(0, comma);
        if (!action.empty()) {
            scope.actions.emplace_back(action);
        }
        actions = comma == std::string_view::npos ? std::string_view() : actions.substr(comma + 1);
    }
    return scope;
}

std::vector<ResourceScope> grant_access(const std::vector<AccessRule>& rules,
                                        const std::vector<ResourceScope>& requested) {
    std::vector<ResourceScope> granted;
    for (const auto& scope : requested) {
        ResourceScope allowed{scope.type, scope.name, {}};
        for (const auto& action : scope.actions) {
            const bool permitted =
                std::any_of(rules.begin(), rules.end(), [&](const AccessRule& rule) {
                    return rule.type == scope.type &&
                           std::regex_match(scope.name, std::regex(rule.name_pattern)) &&
                           std::find(rule.actions.begin(), rule.actions.end(), action) !=
                               rule.actions.end();
                });
            const bool duplicate = std::find(allowed.actions.begin(), allowed.actions.end(),
                                             action) != allowed.actions.end();
            if (permitted && !duplicate) {
                allowed.actions.push_back(action);
            }
        }
        if (!allowed.actions.empty()) {
            granted.push_back(std::move(allowed));
        }
    }
    return granted;
}

namespace {

std::string read_certificate_der(const std::filesystem::path& file) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
    if (!cert) {
        throw std::runtime_error("cannot read certificate " + file.string());
    }
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    if (length <= 0) {
        throw std::runtime_error("cannot encode certificate " + file.string());
    }
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

EVP_PKEY* read_rsa_key(const std::filesystem::path& file) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
    EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        throw std::runtime_error("cannot read an RSA private key from " + file.string());
    }
    return key;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

JwtSigner::JwtSigner(const CertFiles& signer)
    : key_(read_rsa_key(signer.key), &EVP_PKEY_free),
      certificate_der_base64_(fleet::base64_encode(read_certificate_der(signer.cert))) {}

std::string JwtSigner::sign(const TokenClaims& claims) const {
    const json::object header{{"typ", "JWT"},
                              {"alg", "RS256"},
                              {"x5c", json::array{json::string(certificate_der_base64_)}}};
    json::array access;
    for (const auto& scope : claims.access) {
        json::array actions(scope.actions.begin(), scope.actions.end());
        access.emplace_back(
            json::object{{"type", scope.type}, {"name", scope.name}, {"actions", actions}});
    }
    const std::int64_t issued = unix_seconds(claims.issued_at);
    const json::object payload{{"iss", claims.issuer},   {"sub", claims.subject},
                               {"aud", claims.audience}, {"exp", issued + claims.lifetime.count()},
                               {"nbf", issued},          {"iat", issued},
                               {"jti", claims.id},       {"access", std::move(access)}};
    const std::string signing_input = fleet::base64url_encode(json::serialize(header)) + "." +
                                      fleet::base64url_encode(json::serialize(payload));

    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw std::runtime_error("RS256 signing failed");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw std::runtime_error("RS256 signing failed");
    }
    signature.resize(length);
    return signing_input + "." + fleet::base64url_encode(signature);
}

std::string random_token_id() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return fleet::hex_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace regmigrate::testing
