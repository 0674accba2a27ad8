// The digest of a signed docker schema1 manifest (application/vnd.docker.distribution.
// manifest.v1+prettyjws), computed as registries compute it. Such a manifest is a libtrust
// JWS in "pretty" form: the signed JSON with a "signatures" member spliced in before its
// closing brace. Each signature's protected header carries formatLength (how many leading
// bytes of the document belong to the payload) and formatTail (base64url of the bytes that
// closed the payload), which give back the unsigned bytes; the digest is theirs, so it
// stays the same whoever signs the manifest, and differs from the hash of the bytes served.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

// The payload (the unsigned manifest bytes). Refuses, saying why: a document without a
// non-empty "signatures" array, a protected header that is not base64url JSON, a
// formatLength that is not an integer within the document, a formatTail that is not
// base64url, signatures whose payloads differ.
Expected<std::string> schema1_payload(std::string_view bytes);

// The digest a registry gives manifest bytes of media_type: for a signed schema1 manifest,
// sha256 of its payload; for every other type, sha256 of the bytes.
Expected<std::string> manifest_digest(std::string_view bytes, std::string_view media_type);

}  // namespace regmigrate::registry
