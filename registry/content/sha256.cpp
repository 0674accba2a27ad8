#include "registry/content/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <new>
#include <stdexcept>

namespace regmigrate::registry {

namespace {

// EVP only fails on allocation or a broken provider: nothing a caller can act on.
void check(int ok, const char* what) {
    if (ok != 1) {
        throw std::runtime_error(std::string("OpenSSL SHA-256 ") + what + " failed");
    }
}

// Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every init.
const EVP_MD* sha256_md() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
    if (!md) {
        throw std::runtime_error("OpenSSL SHA-256 is not available");
    }
    return md.get();
}

}  // namespace

void Sha256::ContextDeleter::operator()(evp_md_ctx_st* ctx) const noexcept {
    EVP_MD_CTX_free(ctx);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) {
        throw std::bad_alloc();
    }
    check(EVP_DigestInit_ex(ctx_.get(), sha256_md(), nullptr), "init");
}

void Sha256::update(const void* data, std::size_t n) {
    if (n != 0) {
        check(EVP_DigestUpdate(ctx_.get(), data, n), "update");
    }
}

std::string Sha256::finish_hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int length = 0;
    check(EVP_DigestFinal_ex(ctx_.get(), md.data(), &length), "final");
    check(EVP_DigestInit_ex(ctx_.get(), sha256_md(), nullptr), "init");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0x0f];
    }
    return out;
}

std::string Sha256::finish_digest() {
    return "sha256:" + finish_hex();
}

std::string sha256_digest(std::string_view data) {
    Sha256 hasher;
    hasher.update(data);
    return hasher.finish_digest();
}

}  // namespace regmigrate::registry
