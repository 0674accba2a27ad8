#include "registry/layout/oci_layout_reference.hpp"

#include "registry/name/reference.hpp"

namespace regmigrate::registry {

std::string OciLayoutReference::to_string() const {
    return std::string(oci_layout_scheme) + directory + (tag.empty() ? "" : ":" + tag);
}

bool is_oci_layout_reference(std::string_view text) {
    return text.starts_with(oci_layout_scheme);
}

Expected<OciLayoutReference> parse_oci_layout_reference(std::string_view text) {
    if (!is_oci_layout_reference(text)) {
        return make_error(ErrorKind::invalid_argument,
                          "\"" + std::string(text) + "\" is not an oci:DIR[:TAG] reference");
    }
    std::string_view rest = text.substr(oci_layout_scheme.size());
    OciLayoutReference reference;
    const auto last_slash = rest.rfind('/');
    const auto colon = rest.rfind(':');
    if (colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || colon > last_slash)) {
        reference.tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (!is_valid_tag(reference.tag)) {
            return make_error(
                ErrorKind::invalid_argument,
                "\"" + reference.tag + "\" in " + std::string(text) + " is not a valid tag");
        }
    }
    if (rest.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          std::string(text) + " names no layout directory");
    }
    reference.directory = rest;
    return reference;
}

}  // namespace regmigrate::registry
