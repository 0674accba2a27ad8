#include "registry/types/schema1_payload.hpp"

#include "registry/content/sha256.hpp"
#include "registry/types/media_types.hpp"
#include "transport/base64.hpp"

#include <simdjson.h>

#include <cmath>

namespace regmigrate::registry {

namespace {

Error invalid(const std::string& why) {
    return make_error(ErrorKind::protocol, "invalid signed schema1 manifest: " + why);
}

// libtrust reads formatLength as a JSON number (a float64) and uses it as a byte count.
Expected<std::size_t> format_length(simdjson::dom::object header, std::size_t document_size,
                                    const std::string& where) {
    double value = 0;
    if (header["formatLength"].get_double().get(value) != simdjson::SUCCESS) {
        return invalid(where + " formatLength missing or not a number");
    }
    if (!(value >= 0) || value != std::floor(value) || value > static_cast<double>(document_size)) {
        return invalid(where + " formatLength out of range");
    }
    return static_cast<std::size_t>(value);
}

// The payload one signature describes: bytes[0, formatLength) + formatTail.
Expected<std::string> signed_payload(simdjson::dom::element signature, std::string_view bytes,
                                     const std::string& where) {
    std::string_view encoded;
    if (signature["protected"].get_string().get(encoded) != simdjson::SUCCESS) {
        return invalid(where + " has no protected header");
    }
    const auto decoded = base64url_decode(encoded);
    if (!decoded) {
        return invalid(where + " protected header is not base64url");
    }
    simdjson::dom::parser parser;
    simdjson::dom::object header;
    if (parser.parse(*decoded).get_object().get(header) != simdjson::SUCCESS) {
        return invalid(where + " protected header is not a JSON object");
    }
    auto length = format_length(header, bytes.size(), where);
    if (!length) {
        return length.error();
    }
    std::string_view tail_encoded;
    if (header["formatTail"].get_string().get(tail_encoded) != simdjson::SUCCESS) {
        return invalid(where + " formatTail missing or not a string");
    }
    const auto tail = base64url_decode(tail_encoded);
    if (!tail) {
        return invalid(where + " formatTail is not base64url");
    }
    std::string payload(bytes.substr(0, *length));
    payload += *tail;
    return payload;
}

}  // namespace

Expected<std::string> schema1_payload(std::string_view bytes) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(bytes);
    simdjson::dom::object document;
    if (parser.parse(padded).get_object().get(document) != simdjson::SUCCESS) {
        return invalid("not a JSON object");
    }
    simdjson::dom::array signatures;
    if (document["signatures"].get_array().get(signatures) != simdjson::SUCCESS ||
        signatures.size() == 0) {
        return invalid("no signatures");
    }
    std::string first;
    std::size_t index = 0;
    for (auto signature : signatures) {
        const std::string where = "signatures[" + std::to_string(index) + "]";
        auto payload = signed_payload(signature, bytes, where);
        if (!payload) {
            return payload.error();
        }
        if (index == 0) {
            first = std::move(*payload);
        } else if (*payload != first) {
            return invalid(where + " signs another payload than signatures[0]");
        }
        ++index;
    }
    return first;
}

Expected<std::string> manifest_digest(std::string_view bytes, std::string_view media_type) {
    if (media_type != media_type::docker_schema1_signed) {
        return sha256_digest(bytes);
    }
    auto payload = schema1_payload(bytes);
    if (!payload) {
        return payload.error();
    }
    return sha256_digest(*payload);
}

}  // namespace regmigrate::registry
