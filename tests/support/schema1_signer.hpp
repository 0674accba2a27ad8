// Signed docker schema1 manifests made the way Docker clients before 1.10 made them: an
// indented JSON manifest signed with libtrust's JWS (an ES256 key of its own, the public key
// as a JWK whose kid is libtrust's key ID, a protected header with formatLength,
// formatTail and time) in the "pretty" form, the signatures spliced in before the closing
// brace. docker-registry with schema1 enabled verifies these signatures on push.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::testing {

class Schema1Signer {
  public:
    Schema1Signer();  // a fresh P-256 key

    // libtrust's key ID: base32 of the first 240 bits of sha256(DER public key), 4 by 4.
    const std::string& key_id() const { return key_id_; }
    // {"header": {"jwk", "alg"}, "signature", "protected"} over payload, with the given
    // protected header (base64url of its JSON).
    std::string signature(std::string_view payload, const std::string& protected_header) const;
    // The same with the protected header that describes payload (protected_header_for).
    std::string signature(std::string_view payload) const;

  private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
    std::string jwk_;  // JSON
    std::string key_id_;
};

// base64url({"formatLength", "formatTail", "time"}) for payload: the length up to the last
// byte before its closing brace and what follows it, as libtrust computes them.
std::string protected_header_for(std::string_view payload);
// base64url of any JSON text, for protected headers tests break on purpose.
std::string protected_header(std::string_view json);

// payload with "signatures": [signatures...] spliced in before its closing brace.
std::string pretty_jws(std::string_view payload, const std::vector<std::string>& signatures);
// payload signed by signer, in the pretty form.
std::string sign_schema1(std::string_view payload, const Schema1Signer& signer);

// One history entry of a test image, base first.
struct Schema1TestLayer {
    std::string content;  // the layer's uncompressed tar (gzip-compressed into its blob)
    std::string created_by;
    bool throwaway = false;  // a metadata-only entry (ENV, CMD): docker's empty gzip tar
};

struct Schema1TestImage {
    std::string name;
    std::string tag;
    std::string payload;             // the unsigned manifest
    std::string bytes;               // signed
    std::string digest;              // sha256 of payload: what registries call it
    std::vector<std::string> blobs;  // the distinct layer blobs (gzip), to push first
    // Of the non-throwaway layers, base first: what a schema2 conversion lists.
    std::vector<std::string> layer_digests;
    std::vector<std::string> diff_ids;
};

// An image of the given layers (base first) for name:tag: v1Compatibility entries chained
// by id/parent, the top one holding architecture, os and config, fsLayers and history
// top-first as schema1 lists them, signed by signer.
Schema1TestImage make_schema1_image(const std::string& name, const std::string& tag,
                                    const std::vector<Schema1TestLayer>& layers,
                                    const Schema1Signer& signer);

}  // namespace regmigrate::testing
