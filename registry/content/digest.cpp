#include "registry/content/digest.hpp"

#include "registry/distribution/registry_error.hpp"

#include <algorithm>

namespace regmigrate::registry {

namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_lower_hex(char c) {
    return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

bool is_encoded_char(char c) {
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-';
}

bool is_valid_algorithm(std::string_view algorithm) {
    bool component_open = false;  // inside a run of [a-z0-9]
    for (char c : algorithm) {
        if (is_lower_alnum(c)) {
            component_open = true;
        } else if ((c == '+' || c == '.' || c == '_' || c == '-') && component_open) {
            component_open = false;
        } else {
            return false;
        }
    }
    return component_open;
}

bool is_lower_hex_of_length(std::string_view encoded, std::size_t length) {
    return encoded.size() == length && std::all_of(encoded.begin(), encoded.end(), is_lower_hex);
}

}  // namespace

bool is_valid_digest(std::string_view digest) {
    const auto colon = digest.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    const auto algorithm = digest.substr(0, colon);
    const auto encoded = digest.substr(colon + 1);
    if (algorithm == "sha256") {
        return is_lower_hex_of_length(encoded, 64);
    }
    if (algorithm == "sha512") {
        return is_lower_hex_of_length(encoded, 128);
    }
    return is_valid_algorithm(algorithm) && !encoded.empty() &&
           std::all_of(encoded.begin(), encoded.end(), is_encoded_char);
}

Expected<std::string> validate_digest(std::string_view digest) {
    if (is_valid_digest(digest)) {
        return std::string(digest);
    }
    return make_error(ErrorKind::invalid_argument,
                      "invalid digest " + quote_for_message(digest, 150));
}

}  // namespace regmigrate::registry
