// Where a fleet's images go. ImagePusher decides what to write (layers once, mounts,
// configs, manifests, tags) and a sink writes it: RegistryWriter over HTTP, StorageWriter
// straight into a registry's storage directory. Both see the same calls for the same
// plan, so both produce the same digests.
#pragma once

#include "transport/error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace regmigrate::fleet {

// Writes the next `size` bytes of a deterministic stream into `out`.
using ByteGenerator = std::function<void(char* out, std::size_t size)>;

class ImageSink {
  public:
    virtual ~ImageSink() = default;

    // Stores the blob in the repository; returns its digest.
    virtual Expected<std::string> push_blob(std::string_view repository,
                                            std::string_view bytes) = 0;
    // Same for a blob produced piecewise, so only a bounded part is ever in memory.
    virtual Expected<std::string> push_blob_stream(std::string_view repository, std::uint64_t size,
                                                   const ByteGenerator& generator) = 0;
    // Makes a blob `from_repository` holds available in `repository` too; false when
    // the sink declined and the caller must push the bytes instead.
    virtual Expected<bool> mount_blob(std::string_view repository, std::string_view digest,
                                      std::string_view from_repository) = 0;
    // Stores a manifest under `reference` (a tag, or its own digest); returns its digest.
    virtual Expected<std::string> push_manifest(std::string_view repository,
                                                std::string_view reference,
                                                std::string_view media_type,
                                                std::string_view bytes) = 0;
};

}  // namespace regmigrate::fleet
