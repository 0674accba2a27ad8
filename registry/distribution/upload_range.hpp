// Blob upload session bookkeeping: the Range a registry reports, the Content-Range we send.
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::registry {

// The offset the next chunk must start at, from a Range header "0-1234" or "bytes=0-1234"
// (→ 1235). "0-0" means 0: see the definition for why.
Expected<std::uint64_t> parse_upload_range(std::string_view range_header);

// A byte count as a server sends it (Content-Length, OCI-Chunk-Min-Length): decimal digits
// only (no sign, blank or exponent, which std::stoull would accept or wrap) and within 64
// bits; nullopt otherwise.
std::optional<std::uint64_t> parse_byte_count(std::string_view text);

// "begin-end" (inclusive), the Content-Range form the distribution spec uses for PATCH.
std::string content_range(std::uint64_t begin, std::uint64_t end_inclusive);

// The larger of our preferred chunk size and the registry's OCI-Chunk-Min-Length.
std::uint64_t choose_chunk_size(std::uint64_t preferred,
                                std::optional<std::uint64_t> oci_chunk_min_length);

}  // namespace regmigrate::registry
