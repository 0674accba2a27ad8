#include "tests/support/test_pki.hpp"

#include "tests/support/subprocess.hpp"

#include <fstream>
#include <stdexcept>

namespace regmigrate::testing {

TestPki::TestPki() {
    // Our own minimal config, so no distribution default (such as v3_ca's CA:true)
    // sneaks into leaf certificates.
    config_ = dir() / "openssl.cnf";
    std::ofstream(config_) << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n";
    ca_ = make_ca("ca");
    server_ = issue("server", ca_,
                    {"subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth",
                     "keyUsage=critical,digitalSignature"});
    client_ =
        issue("client", ca_, {"extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature"});
    other_ca_ = make_ca("other-ca");
    token_ca_ = make_ca("token-ca");
    token_signer_ = issue("token-signer", token_ca_, {"keyUsage=critical,digitalSignature"},
                          KeyAlgorithm::rsa_2048);
}

CertFiles TestPki::make_ca(const std::string& name) {
    return generate(name, nullptr,
                    {"basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"},
                    KeyAlgorithm::ec_p256);
}

CertFiles TestPki::issue(const std::string& name, const CertFiles& issuer,
                         const std::vector<std::string>& extensions, KeyAlgorithm algorithm) {
    std::vector<std::string> all{"basicConstraints=critical,CA:FALSE"};
    all.insert(all.end(), extensions.begin(), extensions.end());
    return generate(name, &issuer, all, algorithm);
}

CertFiles TestPki::generate(const std::string& name, const CertFiles* issuer,
                            const std::vector<std::string>& extensions, KeyAlgorithm algorithm) {
    CertFiles files{dir() / (name + ".crt"), dir() / (name + ".key")};
    std::vector<std::string> argv{"openssl",        "req",
                                  "-x509",          "-config",
                                  config_.string(), "-nodes",
                                  "-days",          "2",
                                  "-subj",          "/CN=regmigrate-test-" + name,
                                  "-keyout",        files.key.string(),
                                  "-out",           files.cert.string()};
    if (algorithm == KeyAlgorithm::rsa_2048) {
        argv.insert(argv.end(), {"-newkey", "rsa:2048"});
    } else {
        argv.insert(argv.end(), {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"});
    }
    if (issuer != nullptr) {
        argv.insert(argv.end(), {"-CA", issuer->cert.string(), "-CAkey", issuer->key.string()});
    }
    for (const auto& extension : extensions) {
        argv.insert(argv.end(), {"-addext", extension});
    }
    const CommandResult result = run_command(argv);
    if (result.exit_code != 0) {
        throw std::runtime_error("openssl failed making " + name + ": " + result.output);
    }
    return files;
}

}  // namespace regmigrate::testing
