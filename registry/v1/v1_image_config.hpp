// A v1 image chain as a docker v2 schema2 image: the config JSON (the newest v1 image JSON
// less the v1-only keys, plus rootfs and history, as docker's own v1 → v2 migration built
// it) and the manifest that lists the non-empty layers base first.
#pragma once

#include "registry/v1/v1_api.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace regmigrate::registry {

// One v1 layer as a v2 blob.
struct V1LayerDigests {
    std::string digest;   // of the gzip blob pushed
    std::string diff_id;  // of the uncompressed tar
    std::uint64_t size = 0;
    // A tar with no entries (nothing, or only zero blocks): like the empty layers of a
    // `docker build` (ENV, CMD...), it becomes a history entry with empty_layer and no layer,
    // which is how docker treated schema1's throwaway layers.
    bool empty = false;
};

struct V1ConvertedImage {
    std::string config;  // JSON bytes
    std::string config_digest;
    std::string manifest;  // JSON bytes, media type registry::media_type::docker_manifest
    std::string digest;
};

// chain: base first (the ancestry reversed); layers[i] belongs to chain[i]. The config is
// deterministic: keys in sorted order, so one chain converts to one digest every time.
// architecture and os default to amd64 and linux (what a v1 daemon ran) when absent.
// Errors when the chain is empty or the sizes differ.
Expected<V1ConvertedImage> convert_v1_image(const std::vector<V1Image>& chain,
                                            const std::vector<V1LayerDigests>& layers);

}  // namespace regmigrate::registry
