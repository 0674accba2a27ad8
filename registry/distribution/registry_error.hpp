// Turning registry replies into errors: distribution error bodies, HTTP status kinds.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

inline constexpr std::size_t max_error_description = 300;

// {"errors":[{"code":"..","message":"..","detail":..}]} → "CODE: message; CODE: message",
// capped at max_error_description characters, control characters replaced. "" when the
// body is not such a document.
std::string describe_registry_errors(std::string_view body);

// kind by status (401 unauthorized, 403 denied, 404 not_found, 413 too_large, else http),
// http_status set, message "CONTEXT: HTTP 404: MANIFEST_UNKNOWN: manifest unknown".
Error error_from_response(int status, std::string_view body, std::string_view context);

// Peer-supplied text for an error message: in double quotes, cut at `cap` characters
// with "..." so a hostile peer cannot flood logs, control characters replaced by spaces.
std::string quote_for_message(std::string_view text, std::size_t cap = 200);

}  // namespace regmigrate::registry
