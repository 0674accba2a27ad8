#include "tools/fleet/codec.hpp"

#include <openssl/sha.h>

#include <stdexcept>

namespace regmigrate::fleet {

std::string hex_encode(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0x0f]);
    }
    return out;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 initialisation failed");
    }
}

void Sha256::update(std::string_view bytes) {
    EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

std::string Sha256::finish() {
    unsigned char md[SHA256_DIGEST_LENGTH];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &length);
    return "sha256:" + hex_encode(std::string_view(reinterpret_cast<char*>(md), length));
}

std::string sha256_digest(std::string_view bytes) {
    Sha256 hasher;
    hasher.update(bytes);
    return hasher.finish();
}

}  // namespace regmigrate::fleet
