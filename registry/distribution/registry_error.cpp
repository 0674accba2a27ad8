#include "registry/distribution/registry_error.hpp"

#include <simdjson.h>

#include <algorithm>

namespace regmigrate::registry {

namespace {

bool is_control(char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

bool is_utf8_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

// Cuts to at most `cap` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t cap) {
    if (text.size() <= cap) {
        return text;
    }
    while (cap > 0 && is_utf8_continuation(text[cap])) {
        --cap;
    }
    return text.substr(0, cap);
}

std::string sanitized(std::string_view text) {
    std::string out(text);
    std::replace_if(out.begin(), out.end(), is_control, ' ');
    return out;
}

ErrorKind kind_for_status(int status) {
    switch (status) {
        case 401:
            return ErrorKind::unauthorized;
        case 403:
            return ErrorKind::denied;
        case 404:
            return ErrorKind::not_found;
        case 413:
            return ErrorKind::too_large;
        default:
            return ErrorKind::http;
    }
}

}  // namespace

std::string describe_registry_errors(std::string_view body) {
    // An error document is small; anything bigger is not one worth reading.
    constexpr std::size_t max_body = 64 * 1024;
    if (body.empty() || body.size() > max_body) {
        return {};
    }
    simdjson::dom::parser parser;
    simdjson::dom::array errors;
    const simdjson::padded_string padded(body);
    if (parser.parse(padded)["errors"].get_array().get(errors) != simdjson::SUCCESS) {
        return {};
    }
    std::string out;
    for (auto entry : errors) {
        std::string_view code;
        std::string_view message;
        if (entry["code"].get_string().get(code) != simdjson::SUCCESS || code.empty()) {
            continue;
        }
        if (!out.empty()) {
            out += "; ";
        }
        out += code;
        if (entry["message"].get_string().get(message) == simdjson::SUCCESS && !message.empty()) {
            out += ": ";
            out += message;
        }
        if (out.size() > max_error_description) {
            break;
        }
    }
    if (out.size() > max_error_description) {
        return sanitized(utf8_prefix(out, max_error_description - 3)) + "...";
    }
    return sanitized(out);
}

Error error_from_response(int status, std::string_view body, std::string_view context) {
    std::string message;
    if (!context.empty()) {
        message += context;
        message += ": ";
    }
    message += "HTTP " + std::to_string(status);
    if (const auto described = describe_registry_errors(body); !described.empty()) {
        message += ": " + described;
    }
    return make_error(kind_for_status(status), std::move(message), status);
}

std::string quote_for_message(std::string_view text, std::size_t cap) {
    std::string out = "\"" + sanitized(utf8_prefix(text, cap));
    out += text.size() > cap ? "...\"" : "\"";
    return out;
}

}  // namespace regmigrate::registry
