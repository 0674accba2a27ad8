// Pure builders for synthetic images: a config and a manifest (Docker schema 2 or OCI)
// over layers already described by digest and size, and a two-or-more-platform
// manifest list / OCI index over built images. No I/O; the bytes are deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace regmigrate::fleet {

enum class ManifestFormat { docker, oci };

namespace media_type {
inline constexpr const char* docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* docker_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* oci_layer = "application/vnd.oci.image.layer.v1.tar+gzip";
}  // namespace media_type

struct Descriptor {
    std::string media_type;
    std::string digest;
    std::uint64_t size = 0;
};

struct Platform {
    std::string os = "linux";
    std::string architecture = "amd64";
};

// A fixed creation time keeps configs, and therefore digests, reproducible.
inline constexpr const char* default_created = "2024-01-01T00:00:00Z";

struct ImageSpec {
    ManifestFormat format = ManifestFormat::docker;
    Platform platform;
    // Layer digests and sizes; media types are taken from the format.
    std::vector<Descriptor> layers;
    std::string created = default_created;  // the config's `created`; empty: none
};

struct BuiltImage {
    std::string config;
    Descriptor config_descriptor;
    std::string manifest;
    Descriptor manifest_descriptor;
};

struct BuiltIndex {
    std::string bytes;
    Descriptor descriptor;
};

const char* layer_media_type(ManifestFormat format);
const char* manifest_media_type(ManifestFormat format);
const char* index_media_type(ManifestFormat format);

// Synthetic layers are opaque bytes, so each diff_id is the layer's own digest: what a
// registry stores is unaffected, and the config stays self-consistent.
BuiltImage build_image(const ImageSpec& spec);

struct IndexEntry {
    Descriptor manifest;
    Platform platform;
};
BuiltIndex build_index(ManifestFormat format, const std::vector<IndexEntry>& entries);

}  // namespace regmigrate::fleet
