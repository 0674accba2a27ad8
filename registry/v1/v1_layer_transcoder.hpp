// One v1 layer body, as it streams in, turned into a v2 layer blob: a plain tar is
// gzip-compressed on the way, a gzip one passes unchanged (and is decompressed, bounded,
// only to hash the tar). Either way the blob digest, its size and the tar's diff_id are
// hashed as the bytes flow; nothing is held beyond the filters' buffers. Sans-io: the
// caller feeds the bytes of GET /v1/images/ID/layer.
#pragma once

#include "registry/content/gzip_stream.hpp"
#include "registry/content/sha256.hpp"
#include "registry/v1/v1_image_config.hpp"

#include <optional>

namespace regmigrate::registry {

class V1LayerTranscoder {
  public:
    // blob: receives the blob bytes as produced (may be empty: only digests wanted).
    V1LayerTranscoder(std::string image_id, GzipLimits limits, ByteSink blob = {});

    // Errors name the layer: "layer <id>: gzip bomb: ...", "layer <id>: corrupt gzip ...".
    Expected<void> write(std::string_view data);
    Expected<V1LayerDigests> finish();

  private:
    // The first bytes decide the format; they are held until two have arrived.
    Expected<void> start(std::string_view data);
    void emit(std::string_view blob);
    void tar(std::string_view uncompressed);
    Error named(const Error& error) const;

    std::string image_id_;
    GzipLimits limits_;
    ByteSink blob_;
    std::string head_;  // bytes before the format is known
    std::optional<GzipCompressor> compressor_;
    std::optional<GzipDecompressor> decompressor_;
    Sha256 blob_hash_;
    Sha256 tar_hash_;
    std::uint64_t blob_size_ = 0;
    bool all_zero_ = true;
};

}  // namespace regmigrate::registry
