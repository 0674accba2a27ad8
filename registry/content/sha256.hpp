// Streaming SHA-256 over OpenSSL EVP, for hashing blobs as they flow through.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace regmigrate::registry {

class Sha256 {
  public:
    Sha256();
    Sha256(Sha256&&) noexcept = default;
    Sha256& operator=(Sha256&&) noexcept = default;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    ~Sha256() = default;

    void update(const void* data, std::size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }

    // Both finish calls reset the hasher, so it can start a new message.
    std::string finish_hex();     // 64 lowercase hex
    std::string finish_digest();  // "sha256:<hex>"

  private:
    struct ContextDeleter {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, ContextDeleter> ctx_;
};

std::string sha256_digest(std::string_view data);

}  // namespace regmigrate::registry
