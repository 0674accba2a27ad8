// Streaming gzip in push mode (bytes in as they arrive, bytes out to a sink at once), over
// Boost.Iostreams' gzip filters: a compressor for layers served as plain tars, and a
// decompressor with bounds so that a gzip bomb is an error rather than an outage.
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace regmigrate::registry {

// Receives output as it is produced; each piece is valid only during the call.
using ByteSink = std::function<void(std::string_view)>;

// Whether data starts with gzip's magic bytes 1f 8b.
bool has_gzip_magic(std::string_view data);

class GzipCompressor {
  public:
    // level: zlib's 1..9. The header carries no name and mtime 0, so equal input gives
    // equal output (a converted layer keeps its digest from run to run).
    explicit GzipCompressor(ByteSink sink, int level = 6);
    ~GzipCompressor();
    GzipCompressor(const GzipCompressor&) = delete;
    GzipCompressor& operator=(const GzipCompressor&) = delete;

    void write(std::string_view data);
    // Flushes the rest and the trailer; nothing may be written after.
    void finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct GzipLimits {
    std::uint64_t max_output = std::uint64_t{64} << 30;  // decompressed bytes in all
    // Deflate expands at most ~1032:1, which a stream of zeros reaches; real layers rarely
    // pass 100:1. Checked once the output passes ratio_floor, so small streams (an empty
    // tar compresses 30:1) never trip it.
    std::uint64_t max_ratio = 500;
    std::uint64_t ratio_floor = std::uint64_t{64} << 20;
};

class GzipDecompressor {
  public:
    GzipDecompressor(ByteSink sink, GzipLimits limits = {});
    ~GzipDecompressor();
    GzipDecompressor(const GzipDecompressor&) = delete;
    GzipDecompressor& operator=(const GzipDecompressor&) = delete;

    // ErrorKind::protocol for corrupt data, ErrorKind::too_large for a bound passed
    // ("gzip bomb: ..."). After an error the decompressor refuses everything.
    Expected<void> write(std::string_view data);
    // Checks the stream is complete (trailer and CRC).
    Expected<void> finish();

    std::uint64_t bytes_in() const;
    std::uint64_t bytes_out() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace regmigrate::registry
