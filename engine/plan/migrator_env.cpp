#include "engine/plan/migrator_env.hpp"

#include "registry/name/reference.hpp"

#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/split.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace regmigrate::engine {

namespace {

Error invalid(std::string_view variable, const std::string& problem) {
    return make_error(ErrorKind::invalid_argument, std::string(variable) + ": " + problem);
}

// Set and non-empty: the migrator's shell treated VAR= as unset.
std::optional<std::string> value_of(const EnvLookup& env, std::string_view name) {
    auto value = env(name);
    if (!value || value->empty())
        return std::nullopt;
    return value;
}

Expected<bool> boolean(const EnvLookup& env, std::string_view name, bool fallback) {
    const auto value = value_of(env, name);
    if (!value)
        return fallback;
    if (boost::algorithm::iequals(*value, "true"))
        return true;
    if (boost::algorithm::iequals(*value, "false"))
        return false;
    return invalid(name, "expected true or false, got \"" + *value + "\"");
}

// HOST[:PORT] without scheme, path or user information.
Expected<std::string> registry_host(const EnvLookup& env, std::string_view name) {
    const auto value = value_of(env, name);
    if (!value)
        return invalid(name, "not set: give the registry as HOST[:PORT]");
    if (value->find("://") != std::string::npos) {
        return invalid(name, "\"" + *value +
                                 "\" has a scheme: give HOST[:PORT] (USE_HTTP selects plain HTTP)");
    }
    const auto authority = boost::urls::parse_authority(*value);
    if (!authority || authority->has_userinfo() || authority->host().empty()) {
        return invalid(name, "\"" + *value + "\" is not HOST[:PORT]");
    }
    return *value;
}

Expected<std::size_t> positive_integer(const EnvLookup& env, std::string_view name) {
    const auto value = value_of(env, name);
    if (!value)
        return std::size_t{0};
    std::size_t number = 0;
    const auto* end = value->data() + value->size();
    const auto [stop, error] = std::from_chars(value->data(), end, number);
    if (error != std::errc() || stop != end || number == 0) {
        return invalid(name, "expected a positive integer, got \"" + *value + "\"");
    }
    return number;
}

// The migrator's rule: all three of Vn_USERNAME, Vn_PASSWORD and Vn_EMAIL, or none used.
std::optional<registry::Credentials> login_credentials(const EnvLookup& env,
                                                       std::string_view side) {
    const std::string prefix(side);
    auto username = value_of(env, prefix + "_USERNAME");
    auto password = value_of(env, prefix + "_PASSWORD");
    if (!username || !password || !value_of(env, prefix + "_EMAIL"))
        return std::nullopt;
    return registry::Credentials{std::move(*username), std::move(*password)};
}

Expected<MigratorSide> side_from(const EnvLookup& env, std::string_view side, bool no_login,
                                 bool use_http, bool insecure, bool plain_http_credentials) {
    const std::string prefix(side);
    MigratorSide result;
    auto host = registry_host(env, prefix + "_REGISTRY");
    if (!host)
        return host.error();
    result.host = std::move(*host);
    auto own_http = boolean(env, prefix + "_USE_HTTP", false);
    if (!own_http)
        return own_http.error();
    if (use_http || *own_http) {
        result.tls = transport::TlsMode::disabled;
    } else if (insecure) {
        result.tls = transport::TlsMode::insecure;
    }
    auto own_no_login = boolean(env, prefix + "_NO_LOGIN", false);
    if (!own_no_login)
        return own_no_login.error();
    result.login = !no_login && !*own_no_login;
    auto own_plain = boolean(env, prefix + "_ALLOW_PLAIN_HTTP_CREDENTIALS", false);
    if (!own_plain)
        return own_plain.error();
    result.allow_plain_http_credentials = plain_http_credentials || *own_plain;
    if (result.login)
        result.credentials = login_credentials(env, side);
    return result;
}

// A host as one directory name: "registry.example:5000" → "registry.example_5000".
std::string staging_name(std::string host) {
    std::replace(host.begin(), host.end(), ':', '_');
    return host;
}

// Whitespace separated, as the migrator split it in the shell.
std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> parts;
    boost::algorithm::split(parts, text, boost::algorithm::is_space(),
                            boost::algorithm::token_compress_on);
    std::erase_if(parts, [](const std::string& part) { return part.empty(); });
    return parts;
}

}  // namespace

EnvLookup lookup_in(const std::map<std::string, std::string, std::less<>>& env) {
    return [&env](std::string_view name) -> std::optional<std::string> {
        const auto found = env.find(name);
        if (found == env.end())
            return std::nullopt;
        return found->second;
    };
}

const std::vector<MigratorVariable>& migrator_variables() {
    static const std::vector<MigratorVariable> variables{
        {"V1_REGISTRY", "(required)", "source registry HOST[:PORT]; docker.io is Docker Hub"},
        {"V2_REGISTRY", "(required)", "destination registry HOST[:PORT]"},
        {"ERROR_ACTION", "prompt", "when an image fails: prompt, retry, skip or abort"},
        {"MIGRATION_INCREMENT", "(all at once)",
         "batches of N images, each finished before the next (source and destination differ)"},
        {"USER_PROMPT", "true", "show the plan and ask before copying; false: unattended"},
        {"NO_LOGIN", "false", "skip login on both sides"},
        {"V1_NO_LOGIN", "false", "skip login on the source"},
        {"V2_NO_LOGIN", "false", "skip login on the destination"},
        {"V1_USERNAME", "(prompt)",
         "source login; with V1_PASSWORD and V1_EMAIL all set, else asked on a terminal, "
         "else docker's config.json"},
        {"V1_PASSWORD", "(prompt)", "source password (never printed)"},
        {"V1_EMAIL", "(prompt)", "source e-mail (required with the two above, not sent)"},
        {"V2_USERNAME", "(prompt)", "destination login, as V1_USERNAME"},
        {"V2_PASSWORD", "(prompt)", "destination password (never printed)"},
        {"V2_EMAIL", "(prompt)", "destination e-mail (required with the two above, not sent)"},
        {"USE_INSECURE_CURL", "false", "TLS without certificate verification on both sides"},
        {"USE_HTTP", "false", "plain HTTP on both sides"},
        {"V1_USE_HTTP", "false", "plain HTTP to the source"},
        {"V2_USE_HTTP", "false", "plain HTTP to the destination"},
        {"ALLOW_PLAIN_HTTP_CREDENTIALS", "false",
         "send passwords over plain HTTP to hosts that are not loopback (both sides; "
         "V1_/V2_ALLOW_PLAIN_HTTP_CREDENTIALS for one)"},
        {"DOCKER_HUB_ORG", "(source login user)", "Docker Hub organization to migrate"},
        {"V1_FULL_REPO_LIST", "(list the catalog)",
         "whitespace-separated source repositories; skips enumeration"},
        {"V1_REPO_FILTER", "(all)",
         "grep basic regular expression, unanchored, on repository names"},
        {"V1_TAG_FILTER", "(all)", "plain text a tag must contain"},
        {"V1_NEWER_THAN", "(all)",
         "DURATION|DATE: only tags whose image was created within it (90d, 36h) or since it "
         "(2026-09-01); undated tags are kept"},
        {"V1_KEEP_LAST", "(all)", "N: only the N most recently created tags of each repository"},
        {"LIBRARY_NAMESPACE", "true",
         "Docker Hub official images keep library/ at the destination; false: drop it"},
        {"SKIP_EXISTING_TAGS", "false",
         "skip tags the destination already has with the same digest"},
        {"PRUNE_TAGS", "false",
         "after the copy, delete destination tags gone from the source (as sync --prune; "
         "V1_REGISTRY and V2_REGISTRY must differ)"},
        {"MIGRATION_STAGING_DIR", "(state directory)/staging/HOST",
         "V1_REGISTRY = V2_REGISTRY: every image is exported here as OCI layouts, the registry "
         "is switched, then they are imported; needs room for the whole registry"},
        {"MIGRATION_SWITCH_TIMEOUT", "3600",
         "V1_REGISTRY = V2_REGISTRY: seconds to wait, after the export, for the new registry"},
        {"AWS_ACCESS_KEY_ID", "(~/.aws/credentials)",
         "Amazon ECR destination: access key (AWS_PROFILE and the AWS files apply too)"},
        {"AWS_SECRET_ACCESS_KEY", "(unset)", "Amazon ECR destination: secret key (never printed)"},
        {"AWS_REGION", "(from V2_REGISTRY)", "Amazon ECR destination: region"},
    };
    return variables;
}

Expected<MigratorSettings> parse_migrator_env(const EnvLookup& env) {
    MigratorSettings settings;
    auto no_login = boolean(env, "NO_LOGIN", false);
    if (!no_login)
        return no_login.error();
    auto use_http = boolean(env, "USE_HTTP", false);
    if (!use_http)
        return use_http.error();
    auto insecure = boolean(env, "USE_INSECURE_CURL", false);
    if (!insecure)
        return insecure.error();
    auto plain_http_credentials = boolean(env, "ALLOW_PLAIN_HTTP_CREDENTIALS", false);
    if (!plain_http_credentials)
        return plain_http_credentials.error();
    auto source = side_from(env, "V1", *no_login, *use_http, *insecure, *plain_http_credentials);
    if (!source)
        return source.error();
    auto destination =
        side_from(env, "V2", *no_login, *use_http, *insecure, *plain_http_credentials);
    if (!destination)
        return destination.error();
    settings.source = std::move(*source);
    settings.destination = std::move(*destination);
    if (same_registry(settings.source.host, settings.destination.host)) {
        if (registry::is_docker_hub(settings.source.host))
            return invalid("V2_REGISTRY", "Docker Hub cannot be migrated onto itself");
        if (const auto staging = value_of(env, "MIGRATION_STAGING_DIR")) {
            settings.staging_dir = *staging;
        } else {
            settings.staging_dir =
                state_directory(env) / "staging" / staging_name(settings.source.host);
        }
        auto timeout = positive_integer(env, "MIGRATION_SWITCH_TIMEOUT");
        if (!timeout)
            return timeout.error();
        if (*timeout != 0)
            settings.switch_timeout = std::chrono::seconds(*timeout);
    }

    if (const auto action = value_of(env, "ERROR_ACTION")) {
        auto parsed = parse_error_action(*action);
        if (!parsed) {
            return invalid("ERROR_ACTION",
                           "expected prompt, retry, skip or abort, got \"" + *action + "\"");
        }
        settings.error_action = *parsed;
    }
    auto increment = positive_integer(env, "MIGRATION_INCREMENT");
    if (!increment)
        return increment.error();
    settings.increment = *increment;
    struct Flag {
        std::string_view name;
        bool& target;
    };
    for (const Flag flag :
         {Flag{"USER_PROMPT", settings.user_prompt},
          Flag{"LIBRARY_NAMESPACE", settings.library_namespace},
          Flag{"SKIP_EXISTING_TAGS", settings.skip_existing}, Flag{"PRUNE_TAGS", settings.prune}}) {
        auto value = boolean(env, flag.name, flag.target);
        if (!value)
            return value.error();
        flag.target = *value;
    }
    if (settings.prune && settings.same_host())
        return invalid("PRUNE_TAGS", "deletes from a second registry: V1_REGISTRY is V2_REGISTRY");

    settings.hub_organization = value_of(env, "DOCKER_HUB_ORG").value_or("");
    if (const auto list = value_of(env, "V1_FULL_REPO_LIST"))
        settings.repositories = words(*list);
    if (const auto filter = value_of(env, "V1_REPO_FILTER")) {
        auto compiled = compile_basic_regex(*filter, "V1_REPO_FILTER");
        if (!compiled)
            return compiled.error();
        settings.repository_filter = std::move(*compiled);
    }
    settings.tag_filter = value_of(env, "V1_TAG_FILTER").value_or("");
    if (const auto newer_than = value_of(env, "V1_NEWER_THAN")) {
        auto parsed = parse_newer_than(*newer_than);
        if (!parsed)
            return invalid("V1_NEWER_THAN", parsed.error().message);
        settings.recency.newer_than = std::move(*parsed);
    }
    if (const auto keep_last = value_of(env, "V1_KEEP_LAST")) {
        auto parsed = parse_keep_last(*keep_last);
        if (!parsed)
            return invalid("V1_KEEP_LAST", parsed.error().message);
        settings.recency.keep_last = *parsed;
    }
    return settings;
}

Expected<SyncPair> migrator_pair(const MigratorSettings& settings, RegistrySide source,
                                 RegistrySide destination) {
    SyncPair pair;
    pair.source = std::move(source);
    pair.destination = std::move(destination);
    pair.library_namespace = settings.library_namespace;
    pair.prune = settings.prune;
    pair.tags.contains = settings.tag_filter;
    pair.recency = settings.recency;
    pair.repositories = settings.repositories;
    if (settings.repository_filter) {
        if (pair.repositories.empty()) {
            pair.repository_searches.push_back(*settings.repository_filter);
        } else {
            std::erase_if(pair.repositories, [&](const std::string& repository) {
                return !boost::regex_search(repository, *settings.repository_filter);
            });
            if (pair.repositories.empty()) {
                return invalid("V1_REPO_FILTER",
                               "selects none of the repositories in V1_FULL_REPO_LIST");
            }
        }
    }
    // Listing Docker Hub needs an organization; an explicit list does not.
    if (registry::is_docker_hub(pair.source.host) && pair.repositories.empty()) {
        pair.hub_organization = settings.hub_organization.empty() ? pair.source.credentials.username
                                                                  : settings.hub_organization;
        if (pair.hub_organization.empty()) {
            return invalid("DOCKER_HUB_ORG",
                           "Docker Hub has no catalog: set DOCKER_HUB_ORG, log in to the source "
                           "(its user is the organization) or list V1_FULL_REPO_LIST");
        }
    }
    if (auto valid = validate_pair(pair); !valid)
        return valid.error();
    return pair;
}

SyncOptions migrator_sync_options(const MigratorSettings& settings, const MigratorFlags& flags) {
    SyncOptions options;
    options.mode = SyncMode::sync;
    options.error_action = settings.error_action;
    options.skip_existing = settings.skip_existing;
    options.jobs = flags.jobs;
    options.adaptive_transfers = !flags.jobs_given;
    options.threads = flags.threads;
    options.stop_on_signals = true;
    options.preflight =
        PreflightSettings{.enabled = !flags.no_preflight, .certs_dir = flags.certs_dir};
    // Batches exist to bound a migration between two registries; onto itself there is
    // nothing to batch.
    if (!settings.same_host())
        options.increment = settings.increment;
    return options;
}

}  // namespace regmigrate::engine
