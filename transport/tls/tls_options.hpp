// How a client speaks to one side: verified TLS, unverified TLS, or plain HTTP.
#pragma once

#include "transport/error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace regmigrate::transport {

enum class TlsMode {
    enabled,   // TLS with certificate and host name verification
    insecure,  // TLS without verification
    disabled,  // plain HTTP
    // No explicit choice: docker's default. The engine resolves it before connecting
    // (loopback registries: unverified TLS, else plain HTTP; others: enabled); the
    // transport treats an unresolved automatic like enabled.
    automatic,
};

struct TlsOptions {
    TlsMode mode = TlsMode::enabled;
    std::string ca_file;      // extra trusted CA bundle (PEM)
    std::string ca_dir;       // directory of trusted CA certificates (c_rehash layout or *.crt)
    std::string client_cert;  // PEM client certificate for mutual TLS
    std::string client_key;   // PEM key of client_cert
};

// The three explicit modes; automatic is never spelled by users, only left unset.
Expected<TlsMode> parse_tls_mode(std::string_view text);
std::string_view to_string(TlsMode mode);  // automatic → "auto"

// Builds the OpenSSL context for these options; errors name the file at fault.
// A context is built even for TlsMode::disabled: redirects may still lead to https.
Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsOptions& options);

}  // namespace regmigrate::transport
