// docker's per-registry certificate directories: DIR/HOST[:PORT]/ with *.crt (trusted CAs)
// and NAME.cert + NAME.key (a client certificate and its key).
#pragma once

#include "transport/tls/tls_options.hpp"

#include <string>

namespace regmigrate::engine {

inline constexpr const char* default_certs_dir = "/etc/docker/certs.d";

// Adds what DIR/HOST holds to options (explicit options keep precedence). A missing host
// directory is not an error; a .cert without its .key is.
Expected<transport::TlsOptions> apply_certs_dir(transport::TlsOptions options,
                                                const std::string& certs_dir,
                                                const std::string& host);

}  // namespace regmigrate::engine
