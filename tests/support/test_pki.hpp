// Throw-away TLS material made with the openssl CLI in a temp dir: a CA, a server
// certificate for 127.0.0.1/localhost, a client certificate, an unrelated CA for
// negative tests, and a token CA with an RSA signing certificate for token auth.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct CertFiles {
    std::filesystem::path cert;  // PEM
    std::filesystem::path key;   // PEM, unencrypted
};

enum class KeyAlgorithm { ec_p256, rsa_2048 };

class TestPki {
  public:
    // Generates every certificate; throws std::runtime_error with openssl's output.
    TestPki();

    const CertFiles& ca() const { return ca_; }
    const CertFiles& server() const { return server_; }  // signed by ca()
    const CertFiles& client() const { return client_; }  // signed by ca()
    const CertFiles& other_ca() const { return other_ca_; }
    const CertFiles& token_ca() const { return token_ca_; }
    const CertFiles& token_signer() const { return token_signer_; }  // RSA, by token_ca()
    const std::filesystem::path& dir() const { return dir_.path(); }

    CertFiles make_ca(const std::string& name);
    // `extensions` are openssl -addext values, e.g. "extendedKeyUsage=serverAuth".
    CertFiles issue(const std::string& name, const CertFiles& issuer,
                    const std::vector<std::string>& extensions,
                    KeyAlgorithm algorithm = KeyAlgorithm::ec_p256);

  private:
    CertFiles generate(const std::string& name, const CertFiles* issuer,
                       const std::vector<std::string>& extensions, KeyAlgorithm algorithm);

    TempDir dir_{"regmigrate-pki"};
    std::filesystem::path config_;
    CertFiles ca_, server_, client_, other_ca_, token_ca_, token_signer_;
};

}  // namespace regmigrate::testing
