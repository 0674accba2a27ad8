// Encodings the fleet writer and the test servers need: base64 (Basic auth, x5c),
// base64url (JWT) and SHA-256 content digests, all on OpenSSL.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::fleet {

std::string base64_encode(std::string_view bytes);
// nullopt when the input is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);
// RFC 7515 base64url without padding, as JWT segments use.
std::string base64url_encode(std::string_view bytes);
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
