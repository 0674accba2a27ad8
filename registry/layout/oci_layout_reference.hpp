// `oci:DIR[:TAG]`: an image (or, without TAG, every tagged image) of an OCI image layout
// directory, as skopeo names them. A ':' in the last path component separates the tag, so
// DIR itself may hold ':' in its parent directories.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

inline constexpr std::string_view oci_layout_scheme = "oci:";

struct OciLayoutReference {
    std::string directory;
    std::string tag;  // empty: every tag of the layout

    std::string to_string() const;  // oci:DIR[:TAG]
};

// Whether text names an OCI layout rather than a registry.
bool is_oci_layout_reference(std::string_view text);

// DIR must be non-empty; TAG, when given, a valid tag (it is pushed as one).
Expected<OciLayoutReference> parse_oci_layout_reference(std::string_view text);

}  // namespace regmigrate::registry
