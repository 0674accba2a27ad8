#include "registry/auth/token_response.hpp"

#include <simdjson.h>

#include <algorithm>

namespace regmigrate::registry {

namespace {

Error bad_response(const std::string& why) {
    return make_error(ErrorKind::protocol, "bad token response: " + why);
}

// A string field: "" when absent, an error when present with another type.
Expected<std::string_view> optional_string(simdjson::dom::object object, std::string_view key) {
    const auto field = object[key];
    if (field.error() == simdjson::NO_SUCH_FIELD) {
        return std::string_view();
    }
    std::string_view value;
    if (field.get_string().get(value) != simdjson::SUCCESS) {
        return bad_response("\"" + std::string(key) + "\" is not a string");
    }
    return value;
}

Expected<std::chrono::seconds> lifetime(simdjson::dom::object object) {
    const auto field = object["expires_in"];
    if (field.error() == simdjson::NO_SUCH_FIELD || field.is_null()) {
        return default_token_lifetime;
    }
    double seconds = 0;
    if (field.get_double().get(seconds) != simdjson::SUCCESS) {
        return bad_response("\"expires_in\" is not a number");
    }
    const auto clamped = std::clamp(seconds, static_cast<double>(min_token_lifetime.count()),
                                    static_cast<double>(max_token_lifetime.count()));
    return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(clamped));
}

}  // namespace

Expected<TokenResponse> parse_token_response(std::string_view json) {
    constexpr std::size_t max_response = 1024 * 1024;
    if (json.size() > max_response) {
        return make_error(ErrorKind::too_large, "token response larger than 1 MiB");
    }
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    const simdjson::padded_string padded(json);
    if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
        return bad_response("not a JSON object");
    }
    auto token = optional_string(object, "token");
    if (!token) {
        return token.error();
    }
    auto access_token = optional_string(object, "access_token");
    if (!access_token) {
        return access_token.error();
    }
    auto expires_in = lifetime(object);
    if (!expires_in) {
        return expires_in.error();
    }
    TokenResponse response;
    response.token = std::string(!token->empty() ? *token : *access_token);
    if (response.token.empty()) {
        return bad_response("no \"token\" or \"access_token\"");
    }
    response.expires_in = *expires_in;
    return response;
}

}  // namespace regmigrate::registry
