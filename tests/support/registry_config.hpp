// How a test registry is configured, and the pure rendering of docker-registry's
// config file from it.
#pragma once

#include "tests/support/test_pki.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct RegistryTls {
    std::filesystem::path certificate;
    std::filesystem::path key;
    // Non-empty: clients must present a certificate issued by one of these CAs.
    std::vector<std::filesystem::path> client_cas;
    // Presented by the readiness probe; needed when client_cas is set.
    std::optional<CertFiles> probe_client;
};

// distribution's `auth: token:` section.
struct RegistryTokenAuth {
    std::string realm;  // token endpoint URL
    std::string service;
    std::string issuer;
    std::filesystem::path root_cert_bundle;  // CA(s) whose certificates may sign tokens
};

struct RegistryOptions {
    // Storage root to use instead of a fresh one inside the registry's temp dir; the
    // caller keeps it alive. Lets a second registry serve what a first one stored.
    std::optional<std::filesystem::path> storage_dir;
    std::map<std::string, std::string> htpasswd_users;  // user → password; non-empty: auth on
    std::optional<RegistryTls> tls;
    std::optional<RegistryTokenAuth> token;
    std::chrono::milliseconds ready_timeout{15'000};
    // The loopback port to listen on (a server being replaced there); 0: a free one.
    std::uint16_t port = 0;
    // `compatibility: schema1: enabled: true`: accepts signed schema1 manifests (verifying
    // their signatures), which distribution 2.8 refuses by default.
    bool schema1 = false;
    // The access log on (one line per request in the log file, Apache combined format), for
    // tests that count the requests a run made.
    bool access_log = false;
    // `storage: delete: enabled:`. distribution's default is false (every DELETE of a
    // manifest or blob answered 405 UNSUPPORTED); the fixtures enable it unless told not to.
    bool deletes = true;
};

// The config file for docker-registry. It is JSON, which the registry's YAML parser
// reads as YAML, and JSON serialisation quotes every path and string correctly.
std::string render_registry_config(const RegistryOptions& options, std::uint16_t port,
                                   const std::filesystem::path& storage_dir,
                                   const std::filesystem::path& htpasswd_file);

}  // namespace regmigrate::testing
