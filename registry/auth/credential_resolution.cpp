#include "registry/auth/credential_resolution.hpp"

#include "registry/auth/credential_helper.hpp"
#include "transport/log.hpp"

#include <cstdlib>

namespace regmigrate::registry {

Expected<DockerConfigEntry> decide_credentials(
    const CredentialSources& sources, std::string_view registry_host,
    const std::function<Expected<DockerConfig>()>& load_docker_config) {
    if (!sources.explicit_credentials.empty())
        return sources.explicit_credentials;
    if (sources.environment_value && !sources.environment_value->empty()) {
        auto parsed = parse_credentials(*sources.environment_value, sources.environment_variable);
        if (!parsed)
            return parsed.error();
        return *parsed;
    }
    auto config = load_docker_config();
    if (!config)
        return config.error();
    return config->lookup(registry_host);
}

Expected<Credentials> resolve_credentials(const Credentials& explicit_credentials,
                                          std::string_view environment_variable,
                                          std::string_view registry_host) {
    CredentialSources sources{explicit_credentials, std::string(environment_variable), {}};
    if (!environment_variable.empty()) {
        if (const char* value = std::getenv(sources.environment_variable.c_str())) {
            sources.environment_value = value;
        }
    }
    std::string config_file;
    const auto load = [&config_file]() -> Expected<DockerConfig> {
        const auto path = docker_config_path(std::getenv("DOCKER_CONFIG"), std::getenv("HOME"));
        if (!path)
            return DockerConfig{};
        config_file = path->string();
        return load_docker_config(*path);
    };
    auto decision = decide_credentials(sources, registry_host, load);
    if (!decision)
        return decision.error();
    if (const auto* helper = std::get_if<CredentialHelperRef>(&*decision)) {
        auto found = get_from_credential_helper(helper->name, helper_server_url(registry_host));
        if (!found)
            return with_context(found.error(), std::string(registry_host));
        log(LogLevel::debug, "credentials from a docker credential helper",
            {{"registry", std::string(registry_host)},
             {"helper", credential_helper_program(helper->name)}});
        return found->value_or(Credentials{});
    }
    if (const auto* credentials = std::get_if<Credentials>(&*decision)) {
        if (!config_file.empty()) {
            log(LogLevel::debug, "credentials from docker's config",
                {{"registry", std::string(registry_host)}, {"file", config_file}});
        }
        return *credentials;
    }
    return Credentials{};
}

}  // namespace regmigrate::registry
