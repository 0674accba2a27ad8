// `regmigrate migrate`: the classic docker/migrator's environment variables, read into
// settings and turned into a sync pair and sync options. Pure: no environment, terminal or
// network access here (the CLI supplies the lookup, logs in and detects the source API).
//
// Booleans are "true" or "false" in any letter case; an empty value counts as unset, as the
// migrator's shell tests did. Errors name the variable and never echo a secret's value.
#pragma once

#include "engine/plan/certs_dir.hpp"
#include "engine/plan/error_action.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/sync_job.hpp"
#include "engine/state/state_directory.hpp"
#include "registry/auth/credentials.hpp"
#include "transport/tls/tls_options.hpp"

#include <boost/regex.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

EnvLookup lookup_in(const std::map<std::string, std::string, std::less<>>& env);

struct MigratorSide {
    std::string host;  // as given; "docker.io" is Docker Hub
    // USE_HTTP, USE_INSECURE_CURL; neither: docker's default (loopback registries insecure).
    transport::TlsMode tls = transport::TlsMode::automatic;
    bool login = true;  // false under NO_LOGIN or Vn_NO_LOGIN
    // Vn_USERNAME and Vn_PASSWORD when Vn_EMAIL is set too (the migrator's rule); otherwise
    // nothing, and the CLI prompts or falls back to docker's configuration.
    std::optional<registry::Credentials> credentials;
    // ALLOW_PLAIN_HTTP_CREDENTIALS or Vn_ALLOW_PLAIN_HTTP_CREDENTIALS: the password may go
    // over plain HTTP to a host that is not loopback (--allow-plain-http-credentials).
    bool allow_plain_http_credentials = false;
};

struct MigratorSettings {
    MigratorSide source;
    MigratorSide destination;
    ErrorAction error_action = ErrorAction::prompt;
    std::size_t increment = 0;  // 0: unset
    bool user_prompt = true;
    std::string hub_organization;           // DOCKER_HUB_ORG; the CLI defaults it to the login user
    std::vector<std::string> repositories;  // V1_FULL_REPO_LIST
    std::optional<boost::regex> repository_filter;  // V1_REPO_FILTER
    std::string tag_filter;                         // V1_TAG_FILTER
    RecencyFilter recency;                          // V1_NEWER_THAN, V1_KEEP_LAST
    bool library_namespace = true;
    bool skip_existing = false;
    bool prune = false;  // PRUNE_TAGS: sync --prune (source and destination differ)
    // V1_REGISTRY = V2_REGISTRY: the registry is replaced in place, through this staging
    // directory (MIGRATION_STAGING_DIR); empty otherwise.
    std::filesystem::path staging_dir;
    // How long an unattended same-host migration waits for the new registry.
    std::chrono::seconds switch_timeout{3600};

    bool same_host() const { return !staging_dir.empty(); }
    // The AWS_* variables of an ECR destination are read by registry::load_aws_settings.
};

// Every variable, its default as the help shows it and what it does.
struct MigratorVariable {
    std::string_view name;
    std::string_view default_value;
    std::string_view meaning;
};
const std::vector<MigratorVariable>& migrator_variables();

// Reads and checks every variable. The same registry on both sides (not Docker Hub) is an
// in-place replacement: staging_dir is set, by default under the state directory.
Expected<MigratorSettings> parse_migrator_env(const EnvLookup& env);

// The pair between the sides the CLI built from the settings (with docker's credential
// and certificate conventions applied). The Hub organization defaults to the source
// login user; the repository filter narrows V1_FULL_REPO_LIST here, since an explicit list
// is never filtered later. Validated.
Expected<SyncPair> migrator_pair(const MigratorSettings& settings, RegistrySide source,
                                 RegistrySide destination);

// What `migrate` takes from its command line; the environment holds the rest.
struct MigratorFlags {
    std::size_t jobs = 32;    // --jobs
    bool jobs_given = false;  // --jobs given: it also fixes the blob transfers in flight
    std::size_t threads = 1;  // --threads
    // --certs-dir: the preflight names it where it says an untrusted CA goes.
    std::string certs_dir = default_certs_dir;
    bool no_preflight = false;  // --no-preflight
};

// Error action, skip-existing, and the increment when source and destination differ; the
// flags' jobs, threads and preflight; stopped cleanly by SIGINT/SIGTERM. ERROR_ACTION=prompt
// is left for the command line to wire to its terminal.
SyncOptions migrator_sync_options(const MigratorSettings& settings,
                                  const MigratorFlags& flags = {});

}  // namespace regmigrate::engine
