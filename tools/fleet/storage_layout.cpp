#include "tools/fleet/storage_layout.hpp"

#include <algorithm>

namespace regmigrate::fleet {

namespace {

constexpr std::string_view kRoot = "docker/registry/v2/";
constexpr std::string_view kSha256 = "sha256:";

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// [a-z0-9]+ (('.' | '_' | '__' | '-'+) [a-z0-9]+)*
bool valid_component(std::string_view component) {
    std::size_t i = 0;
    while (i < component.size()) {
        const std::size_t start = i;
        while (i < component.size() && is_lower_alnum(component[i])) {
            ++i;
        }
        if (i == start) {
            return false;
        }
        if (i == component.size()) {
            return true;
        }
        const std::size_t separator = i;
        if (component[i] == '.') {
            ++i;
        } else if (component[i] == '_') {
            i += component.substr(i, 2) == "__" ? 2 : 1;
        } else if (component[i] == '-') {
            while (i < component.size() && component[i] == '-') {
                ++i;
            }
        }
        if (i == separator || i == component.size()) {
            return false;
        }
    }
    return false;
}

std::string repository_path(std::string_view repository, std::string_view rest) {
    std::string path(kRoot);
    path.append("repositories/").append(repository).append("/").append(rest);
    return path;
}

}  // namespace

Expected<std::string_view> sha256_hex(std::string_view digest) {
    const std::string_view hex =
        digest.starts_with(kSha256) ? digest.substr(kSha256.size()) : std::string_view();
    if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), is_hex)) {
        return make_error(ErrorKind::invalid_argument,
                          "not a sha256 digest: '" + std::string(digest) + "'");
    }
    return hex;
}

bool valid_repository_name(std::string_view repository) {
    if (repository.empty() || repository.size() > 255) {
        return false;
    }
    for (std::size_t start = 0;;) {
        const std::size_t slash = repository.find('/', start);
        if (!valid_component(repository.substr(start, slash - start))) {
            return false;
        }
        if (slash == std::string_view::npos) {
            return true;
        }
        start = slash + 1;
    }
}

bool valid_tag(std::string_view tag) {
    const auto word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    return !tag.empty() && tag.size() <= 128 && word(tag.front()) &&
           std::all_of(tag.begin(), tag.end(),
                       [&](char c) { return word(c) || c == '.' || c == '-'; });
}

std::string blob_data_path(std::string_view hex) {
    std::string path(kRoot);
    path.append("blobs/sha256/").append(hex.substr(0, 2)).append("/").append(hex).append("/data");
    return path;
}

std::string layer_link_path(std::string_view repository, std::string_view hex) {
    return repository_path(repository, "_layers/sha256/") + std::string(hex) + "/link";
}

std::string revision_link_path(std::string_view repository, std::string_view hex) {
    return repository_path(repository, "_manifests/revisions/sha256/") + std::string(hex) + "/link";
}

std::string tag_current_link_path(std::string_view repository, std::string_view tag) {
    return repository_path(repository, "_manifests/tags/") + std::string(tag) + "/current/link";
}

std::string tag_index_link_path(std::string_view repository, std::string_view tag,
                                std::string_view hex) {
    return repository_path(repository, "_manifests/tags/") + std::string(tag) + "/index/sha256/" +
           std::string(hex) + "/link";
}

std::string upload_directory_path(std::string_view repository, std::string_view id) {
    return repository_path(repository, "_uploads/") + std::string(id);
}

}  // namespace regmigrate::fleet
