#include "tests/support/schema1_signer.hpp"

#include "registry/content/gzip_stream.hpp"
#include "registry/content/sha256.hpp"
#include "transport/base64.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include <set>
#include <stdexcept>

namespace regmigrate::testing {

namespace json = boost::json;

namespace {

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("schema1 signer: ") + what + " failed");
}

std::string base32(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out.push_back(alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

std::string raw_sha256(std::string_view bytes) {
    std::string out(32, '\0');
    unsigned int length = 0;
    check(EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(out.data()),
                     &length, EVP_sha256(), nullptr) == 1,
          "sha256");
    return out;
}

std::string coordinate(const EVP_PKEY* key, const char* name) {
    BIGNUM* value = nullptr;
    check(EVP_PKEY_get_bn_param(key, name, &value) == 1, "reading the public key");
    std::string out(32, '\0');
    const int written = BN_bn2binpad(value, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(value);
    check(written == 32, "encoding a coordinate");
    return base64url_encode(out);
}

// The closing brace and the whitespace around it: libtrust's formatTail starts after the
// last non-space byte before the brace.
std::size_t format_length(std::string_view payload) {
    const auto brace = payload.find_last_of('}');
    check(brace != std::string_view::npos, "finding the closing brace");
    const auto last = payload.find_last_not_of(" \t\r\n", brace - 1);
    return last + 1;
}

std::string gzip(std::string_view data) {
    std::string out;
    registry::GzipCompressor compressor([&](std::string_view bytes) { out.append(bytes); });
    compressor.write(data);
    compressor.finish();
    return out;
}

std::string quoted(std::string_view text) {
    return json::serialize(json::value(json::string(text)));
}

}  // namespace

Schema1Signer::Schema1Signer() : key_(EVP_EC_gen("P-256"), &EVP_PKEY_free) {
    check(key_ != nullptr, "generating a P-256 key");
    unsigned char* der = nullptr;
    const int der_size = i2d_PUBKEY(key_.get(), &der);
    check(der_size > 0, "encoding the public key");
    const std::string pkix(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_size));
    OPENSSL_free(der);
    const std::string id = base32(raw_sha256(pkix).substr(0, 30));
    for (std::size_t i = 0; i < id.size(); i += 4)
        key_id_ += (i == 0 ? "" : ":") + id.substr(i, 4);
    json::object jwk;
    jwk["crv"] = "P-256";
    jwk["kid"] = key_id_;
    jwk["kty"] = "EC";
    jwk["x"] = coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X);
    jwk["y"] = coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
    jwk_ = json::serialize(jwk);
}

std::string Schema1Signer::signature(std::string_view payload,
                                     const std::string& protected_header) const {
    const std::string signing_input = protected_header + "." + base64url_encode(payload);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    check(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1,
          "starting the signature");
    std::size_t der_size = 0;
    check(EVP_DigestSign(context.get(), nullptr, &der_size,
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size()) == 1,
          "sizing the signature");
    std::string der(der_size, '\0');
    check(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(der.data()), &der_size,
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size()) == 1,
          "signing");
    // JWS wants r || s, each 32 bytes; OpenSSL gives DER.
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_size));
    check(parsed != nullptr, "decoding the signature");
    std::string raw(64, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    const bool encoded = BN_bn2binpad(ECDSA_SIG_get0_r(parsed), out, 32) == 32 &&
                         BN_bn2binpad(ECDSA_SIG_get0_s(parsed), out + 32, 32) == 32;
    ECDSA_SIG_free(parsed);
    check(encoded, "encoding the signature");
    return R"({"header":{"jwk":)" + jwk_ + R"(,"alg":"ES256"},"signature":)" +
           quoted(base64url_encode(raw)) + R"(,"protected":)" + quoted(protected_header) + "}";
}

std::string Schema1Signer::signature(std::string_view payload) const {
    return signature(payload, protected_header_for(payload));
}

std::string protected_header(std::string_view json_text) {
    return base64url_encode(json_text);
}

std::string protected_header_for(std::string_view payload) {
    const std::size_t length = format_length(payload);
    json::object header;
    header["formatLength"] = length;
    header["formatTail"] = base64url_encode(payload.substr(length));
    header["time"] = "2015-11-02T10:00:00Z";
    return protected_header(json::serialize(header));
}

std::string pretty_jws(std::string_view payload, const std::vector<std::string>& signatures) {
    const std::size_t length = format_length(payload);
    std::string out(payload.substr(0, length));
    out += ",\n   \"signatures\": [";
    for (std::size_t i = 0; i < signatures.size(); ++i)
        out += (i == 0 ? "\n      " : ",\n      ") + signatures[i];
    out += "\n   ]";
    out += payload.substr(length);
    return out;
}

std::string sign_schema1(std::string_view payload, const Schema1Signer& signer) {
    return pretty_jws(payload, {signer.signature(payload)});
}

Schema1TestImage make_schema1_image(const std::string& name, const std::string& tag,
                                    const std::vector<Schema1TestLayer>& layers,
                                    const Schema1Signer& signer) {
    check(!layers.empty(), "an image needs a layer");
    Schema1TestImage image{name, tag};
    std::vector<std::string> blob_sums;
    std::vector<std::string> history;
    std::set<std::string> distinct;
    std::string parent;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& layer = layers[i];
        // docker's empty layer: a gzip of the two zero blocks that end a tar.
        const std::string content = layer.throwaway ? std::string(1024, '\0') : layer.content;
        const std::string blob = gzip(content);
        const std::string digest = registry::sha256_digest(blob);
        if (distinct.insert(digest).second)
            image.blobs.push_back(blob);
        if (!layer.throwaway) {
            image.layer_digests.push_back(digest);
            image.diff_ids.push_back(registry::sha256_digest(content));
        }
        const std::string id =
            registry::sha256_digest(name + ":" + tag + "#" + std::to_string(i)).substr(7);
        json::object entry;
        entry["id"] = id;
        if (!parent.empty())
            entry["parent"] = parent;
        entry["created"] = "2015-10-0" + std::to_string(1 + i % 9) + "T12:00:00.000000000Z";
        entry["container_config"] =
            json::object{{"Cmd", json::array{"/bin/sh", "-c", layer.created_by}}};
        if (layer.throwaway)
            entry["throwaway"] = true;
        if (i + 1 == layers.size()) {
            entry["architecture"] = "amd64";
            entry["os"] = "linux";
            entry["docker_version"] = "1.9.1";
            entry["config"] = json::object{{"Env", json::array{"PATH=/usr/bin:/bin"}},
                                           {"Cmd", json::array{"/bin/sh"}}};
        }
        parent = id;
        blob_sums.insert(blob_sums.begin(), digest);
        history.insert(history.begin(), json::serialize(entry));
    }
    std::string payload = "{\n   \"schemaVersion\": 1,\n   \"name\": " + quoted(name) +
                          ",\n   \"tag\": " + quoted(tag) +
                          ",\n   \"architecture\": \"amd64\",\n   \"fsLayers\": [";
    for (std::size_t i = 0; i < blob_sums.size(); ++i) {
        payload += std::string(i == 0 ? "" : ",") +
                   "\n      {\n         \"blobSum\": " + quoted(blob_sums[i]) + "\n      }";
    }
    payload += "\n   ],\n   \"history\": [";
    for (std::size_t i = 0; i < history.size(); ++i) {
        payload += std::string(i == 0 ? "" : ",") +
                   "\n      {\n         \"v1Compatibility\": " + quoted(history[i]) + "\n      }";
    }
    payload += "\n   ]\n}";
    image.payload = payload;
    image.bytes = sign_schema1(payload, signer);
    image.digest = registry::sha256_digest(payload);
    return image;
}

}  // namespace regmigrate::testing
