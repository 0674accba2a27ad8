// The two metadata files of an OCI image layout directory: `oci-layout` (the version
// marker) and `index.json` (an OCI image index whose entries name the layout's images,
// tags carried in the org.opencontainers.image.ref.name annotation).
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

inline constexpr std::string_view oci_layout_version = "1.0.0";
inline constexpr std::string_view oci_ref_name_annotation = "org.opencontainers.image.ref.name";

struct OciLayoutEntry {
    std::string media_type;
    std::string digest;
    std::uint64_t size = 0;
    std::map<std::string, std::string> annotations;

    // The tag this entry gives its image; "" when it has none.
    std::string ref_name() const;
};

struct OciLayoutIndex {
    std::vector<OciLayoutEntry> manifests;

    // The entry tagged ref_name, or null.
    const OciLayoutEntry* find(std::string_view ref_name) const;
    // Every tag, in index order.
    std::vector<std::string> ref_names() const;
    // Adds entry; an entry already carrying its ref name (or, untagged, its digest
    // untagged) is replaced in place, so a tag names exactly one image.
    void put(OciLayoutEntry entry);
};

// The content of `oci-layout`.
std::string oci_layout_marker();
// Accepts an `oci-layout` whose imageLayoutVersion is 1.0.0.
Expected<void> check_oci_layout_marker(std::string_view json);

// index.json: entries need a valid digest, a media type and a size.
Expected<OciLayoutIndex> parse_oci_layout_index(std::string_view json);
std::string serialize_oci_layout_index(const OciLayoutIndex& index);

}  // namespace regmigrate::registry
