// The system's trusted CA certificates, read once per process.
//
// OpenSSL's set_default_verify_paths decodes the whole CA bundle (about 150 PEM
// certificates, 30 to 70 ms of CPU here) into every context it is called on, and a run
// builds a client per registry side and event loop, plus probes: that was most of the CPU
// of a short run. This loads the bundle once and hands each context the decoded
// certificates, which costs a reference count per certificate.
#pragma once

#include <openssl/ossl_typ.h>

namespace regmigrate::transport {

// Gives the store what X509_STORE_set_default_paths would: the default CA file
// (SSL_CERT_FILE or OpenSSL's default) from the process-wide copy, then the default
// hashed directory (SSL_CERT_DIR or OpenSSL's default) and default store URI, which
// OpenSSL only reads on demand. Safe from any thread.
void add_system_trust(X509_STORE* store);

}  // namespace regmigrate::transport
