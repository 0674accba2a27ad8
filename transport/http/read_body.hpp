// Reading a whole streamed body into memory, within a bound.
#pragma once

#include "transport/http/http_message.hpp"

#include <string>
#include <string_view>

namespace regmigrate::transport {

// Every byte of `body` up to its end; refused with ErrorKind::too_large ("<what> exceeds N
// bytes") as soon as it passes max_bytes. `expected` bytes are reserved up front (a length
// the sender announced, already checked against the bound).
boost::asio::awaitable<Expected<std::string>> read_to_string(BodySource& body,
                                                             std::size_t max_bytes,
                                                             std::string what,
                                                             std::size_t expected = 0);

// The too_large error read_to_string gives, for a caller that knows the size beforehand.
Error body_too_large(std::string_view what, std::size_t max_bytes);

}  // namespace regmigrate::transport
