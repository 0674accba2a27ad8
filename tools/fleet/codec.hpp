// Encodings the fleet writer and the test servers need: base64 (Basic auth, x5c),
// base64url (JWT) and SHA-256 content digests, all on OpenSSL.
#pragma once

#include "transport/base64.hpp"

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::fleet {

using regmigrate::base64_decode;
using regmigrate::base64_encode;
using regmigrate::base64url_encode;
std::string hex_encode(std::string_view bytes);

// Incremental SHA-256 so streamed blobs are hashed as they are produced.
class Sha256 {
  public:
    Sha256();
    void update(std::string_view bytes);
    // "sha256:<64 hex>"; call once, after the last update.
    std::string finish();

  private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// "sha256:<64 hex>" of the bytes.
std::string sha256_digest(std::string_view bytes);

}  // namespace regmigrate::fleet
