// How a new connection was set up: its words are the kind labels of
// regmigrate_tls_handshakes_total and the scheme labels of regmigrate_connections_opened_total.
#pragma once

#include <string_view>

namespace regmigrate::transport {

enum class TlsHandshake {
    none,     // plain HTTP
    full,     // certificates exchanged and verified
    resumed,  // a session (TLS 1.3 ticket) of an earlier connection to the origin reused
};

// "full" or "resumed"; "none" for plain HTTP.
std::string_view to_string(TlsHandshake handshake);

}  // namespace regmigrate::transport
