#include "registry/types/media_types.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace regmigrate::registry {

namespace {

// Preference order: an index first, so multi-platform images stay multi-platform.
constexpr std::array manifest_types = {
    media_type::oci_index,       media_type::docker_manifest_list,  media_type::oci_manifest,
    media_type::docker_manifest, media_type::docker_schema1_signed, media_type::docker_schema1,
};

}  // namespace

std::string_view manifest_accept_header() {
    static const std::string header = [] {
        std::string joined;
        for (auto type : manifest_types) {
            joined += joined.empty() ? "" : ", ";
            joined += type;
        }
        return joined;
    }();
    return header;
}

bool is_manifest_media_type(std::string_view media_type) {
    return std::find(manifest_types.begin(), manifest_types.end(), media_type) !=
           manifest_types.end();
}

bool is_index_media_type(std::string_view media_type) {
    return media_type == media_type::oci_index || media_type == media_type::docker_manifest_list;
}

bool is_schema1_media_type(std::string_view media_type) {
    return media_type == media_type::docker_schema1 ||
           media_type == media_type::docker_schema1_signed;
}

bool is_foreign_layer_media_type(std::string_view media_type) {
    return media_type == media_type::docker_foreign_layer ||
           media_type == media_type::oci_layer_nondistributable ||
           media_type == media_type::oci_layer_nondistributable_gzip ||
           media_type == media_type::oci_layer_nondistributable_zstd;
}

std::string_view strip_media_type_params(std::string_view content_type) {
    content_type = content_type.substr(0, content_type.find(';'));
    const auto first = content_type.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = content_type.find_last_not_of(" \t");
    return content_type.substr(first, last - first + 1);
}

}  // namespace regmigrate::registry
