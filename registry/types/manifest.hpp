// Image manifests and indexes: docker schema2 and manifest list, OCI manifest and index,
// docker schema1. Parsed to learn what to copy; the bytes themselves are pushed unchanged.
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

struct Platform {
    std::string os;
    std::string architecture;
    std::string variant;

    std::string to_string() const;  // os/arch[/variant]
};

struct Descriptor {
    std::string media_type;
    std::string digest;
    std::uint64_t size = 0;
    std::optional<Platform> platform;
    std::string artifact_type;
    std::vector<std::string> urls;  // foreign layers: where the content really lives
};

struct Manifest {
    // The effective type: the body's mediaType, else the Content-Type, else inferred from
    // the document (schemaVersion 1 → schema1, "manifests" → OCI index, else OCI manifest).
    std::string media_type;
    int schema_version = 0;
    std::optional<Descriptor> config;
    std::vector<Descriptor> layers;     // schema1: fsLayers blobSums (size 0, no media type),
                                        // de-duplicated in order
    std::vector<Descriptor> manifests;  // index / list children
    std::optional<Descriptor> subject;

    bool is_index() const;
    std::vector<Descriptor> blobs() const;  // config (if any) + layers
};

inline constexpr std::size_t max_manifest_bytes = 4 * 1024 * 1024;

// Refuses, with a message saying why: bodies over max_manifest_bytes (too_large); anything
// but a JSON object; a body mediaType contradicting the Content-Type (application/json,
// application/octet-stream and an empty Content-Type are not held against it); a document
// with both "manifests" and "layers", or fields of the other kind; repeated keys (readers
// that keep the first and the last would see different images); unknown media types
// (unsupported); invalid digests; missing, negative or fractional sizes; index children
// whose media type is not a manifest type unless they declare an artifactType.
Expected<Manifest> parse_manifest(std::string_view bytes, std::string_view content_type);

}  // namespace regmigrate::registry
