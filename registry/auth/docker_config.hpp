// docker's client configuration file (config.json): the credentials it holds per registry
// ("auths"), and the credential helpers it delegates to ("credsStore", "credHelpers").
// Parsing and lookup are pure; errors name the file and the key, never a value.
#pragma once

#include "registry/auth/credentials.hpp"
#include "transport/error.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace regmigrate::registry {

// The key docker files Docker Hub under, and the server URL its helpers are asked about.
inline constexpr std::string_view docker_hub_server_url = "https://index.docker.io/v1/";

// Run docker-credential-NAME to learn the credentials.
struct CredentialHelperRef {
    std::string name;
    bool operator==(const CredentialHelperRef&) const = default;
};

// What config.json says about one registry: nothing, credentials, or a helper to ask.
using DockerConfigEntry = std::variant<std::monostate, Credentials, CredentialHelperRef>;

struct DockerConfig {
    // Keys are registry hosts as registry_host_of_key() normalises them.
    std::map<std::string, Credentials, std::less<>> auths;
    std::string creds_store;
    std::map<std::string, std::string, std::less<>> cred_helpers;

    // docker's order: the host's credHelpers entry, else credsStore, else auths.
    DockerConfigEntry lookup(std::string_view registry_host) const;
};

// The registry host a config.json key names, as docker matches them: "https://host/v1/",
// "http://host:port" and "host" all name host[:port]; lowercased; docker.io and
// index.docker.io become registry-1.docker.io like every other Hub alias.
std::string registry_host_of_key(std::string_view key);

// The server URL a credential helper is asked about: Hub's historical URL, else the host.
std::string helper_server_url(std::string_view registry_host);

// origin (the file path) prefixes every error message.
Expected<DockerConfig> parse_docker_config(std::string_view json, std::string_view origin);

// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json; nullopt when neither
// variable is set. The arguments are the variables' values (nullptr when unset).
std::optional<std::filesystem::path> docker_config_path(const char* docker_config_variable,
                                                        const char* home_variable);

// The file parsed; a missing file is an empty configuration, as for docker.
Expected<DockerConfig> load_docker_config(const std::filesystem::path& path);

}  // namespace regmigrate::registry
