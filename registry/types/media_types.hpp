// Media types of the docker and OCI image formats.
#pragma once

#include <string_view>

namespace regmigrate::registry {

namespace media_type {
inline constexpr std::string_view docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_schema1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_schema1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";

inline constexpr std::string_view docker_layer =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_foreign_layer =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// Non-distributable layers (deprecated by OCI 1.1, still found in the wild).
inline constexpr std::string_view oci_layer_nondistributable =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view oci_layer_nondistributable_gzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view oci_layer_nondistributable_zstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
}  // namespace media_type

// Every manifest type we can read, for the Accept header of manifest requests.
std::string_view manifest_accept_header();
bool is_manifest_media_type(std::string_view media_type);
bool is_index_media_type(std::string_view media_type);
bool is_schema1_media_type(std::string_view media_type);
// Layers whose content lives elsewhere (descriptor "urls"): registries do not serve them.
bool is_foreign_layer_media_type(std::string_view media_type);

// "a/b; charset=utf-8" → "a/b", surrounding spaces trimmed.
std::string_view strip_media_type_params(std::string_view content_type);

}  // namespace regmigrate::registry
