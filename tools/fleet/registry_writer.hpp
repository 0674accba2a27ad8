// A synchronous, deliberately simple registry client that pushes and reads back images
// over plain HTTP (optionally with Basic credentials): what tests and fleetgen use to
// fill real registries. As an ImageSink it is fleetgen's HTTP mode.
#pragma once

#include "tools/fleet/image_sink.hpp"
#include "tools/fleet/sync_http_connection.hpp"
#include "transport/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::fleet {

struct WriterOptions {
    std::string registry;  // HOST:PORT
    std::string username;  // empty: anonymous
    std::string password;
    std::chrono::milliseconds timeout{30'000};
    std::size_t chunk_size = 8 * 1024 * 1024;  // PATCH size for streamed blobs
};

struct StoredManifest {
    std::string media_type;
    std::string bytes;
    std::string digest;  // Docker-Content-Digest, checked against the bytes
};

class RegistryWriter final : public ImageSink {
  public:
    explicit RegistryWriter(WriterOptions options);

    // Monolithic upload (POST, then PUT ?digest=); returns the digest.
    Expected<std::string> push_blob(std::string_view repository, std::string_view bytes) override;
    // Chunked upload (POST, PATCH chunks with Content-Range, PUT ?digest=) hashing as
    // it goes; only one chunk is ever in memory. Returns the digest.
    Expected<std::string> push_blob_stream(std::string_view repository, std::uint64_t size,
                                           const ByteGenerator& generator) override;
    // Cross-repository mount; false when the registry declined (its fallback upload
    // session is cancelled).
    Expected<bool> mount_blob(std::string_view repository, std::string_view digest,
                              std::string_view from_repository) override;
    Expected<bool> blob_exists(std::string_view repository, std::string_view digest);
    // Returns the digest the registry reports, refusing one that differs from ours.
    Expected<std::string> push_manifest(std::string_view repository, std::string_view reference,
                                        std::string_view media_type,
                                        std::string_view bytes) override;
    Expected<StoredManifest> get_manifest(std::string_view repository, std::string_view reference);
    Expected<std::vector<std::string>> list_tags(std::string_view repository);

  private:
    Expected<HttpResponse> send(HttpRequest request);
    Expected<std::string> start_upload(std::string_view repository);
    Expected<std::string> finish_upload(const std::string& location, const std::string& digest,
                                        std::string body);

    WriterOptions options_;
    std::string authorization_;
    SyncHttpConnection connection_;
};

}  // namespace regmigrate::fleet
