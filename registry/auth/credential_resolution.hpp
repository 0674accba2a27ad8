// Where one registry's credentials come from, in one place. First match wins:
//   1. explicit credentials: a flag (--src-creds) or a plan entry
//   2. an environment variable holding USER:PASSWORD (REGMIGRATE_SRC_CREDS, ...)
//   3. docker's config.json: the host's credHelpers entry, else credsStore, else auths
//   4. anonymous
#pragma once

#include "registry/auth/docker_config.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::registry {

struct CredentialSources {
    Credentials explicit_credentials;              // empty: none given
    std::string environment_variable;              // its name, for messages; "" when none applies
    std::optional<std::string> environment_value;  // USER:PASSWORD; unset or "" is absent
};

// Pure decision: credentials to use, a helper to ask, or nothing (anonymous).
// load_docker_config runs only when sources 1 and 2 are empty, so a broken config.json
// does not matter to a run given credentials. A malformed variable is an error naming it.
Expected<DockerConfigEntry> decide_credentials(
    const CredentialSources& sources, std::string_view registry_host,
    const std::function<Expected<DockerConfig>()>& load_docker_config);

// The whole resolution for registry_host (host[:port], as in references): reads
// environment_variable ("" for none), docker's config file ($DOCKER_CONFIG/config.json, else
// $HOME/.docker/config.json) and runs its credential helper. Empty result: anonymous.
Expected<Credentials> resolve_credentials(const Credentials& explicit_credentials,
                                          std::string_view environment_variable,
                                          std::string_view registry_host);

}  // namespace regmigrate::registry
