// docker credential helpers (docker-credential-NAME on PATH), asked as docker asks them:
// `get` with the server URL on stdin, {"ServerURL","Username","Secret"} on stdout.
#pragma once

#include "registry/auth/credentials.hpp"
#include "transport/error.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

struct CredentialHelperLimits {
    std::chrono::milliseconds timeout{30'000};  // then the helper is killed
    std::size_t max_output = 64 * 1024;         // stdout bytes read before giving up
};

// "docker-credential-NAME".
std::string credential_helper_program(std::string_view name);

// The JSON a helper prints for `get`. A Username of "<token>" marks Secret as an identity
// token. `program` names the helper in errors; the output itself is never quoted.
Expected<Credentials> parse_credential_helper_output(std::string_view json,
                                                     std::string_view program);

// The environment a helper runs with: of `environment` ("NAME=VALUE" entries), only what
// docker's helpers read (PATH, HOME, locale, the desktop keyring's bus, pass and gpg,
// AWS/Google profile and file settings), so it never sees secrets the run holds in its own
// environment (AWS_SECRET_ACCESS_KEY, REGMIGRATE_*_CREDS, a plan's password_env).
std::vector<std::string> credential_helper_environment(const std::vector<std::string>& environment);

// Runs `docker-credential-NAME get` with server_url on stdin. nullopt when the helper has
// no credentials for it (non-zero exit, e.g. "credentials not found in native keychain"):
// that is logged with the helper's name and the run goes on anonymously. Errors: an
// invalid name, a helper missing from PATH, a timeout, output over the limit or not JSON.
Expected<std::optional<Credentials>> get_from_credential_helper(
    std::string_view name, std::string_view server_url, const CredentialHelperLimits& limits = {});

}  // namespace regmigrate::registry
