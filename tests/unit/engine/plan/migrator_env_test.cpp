#include "engine/plan/migrator_env.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace regmigrate::engine {
namespace {

using Env = std::map<std::string, std::string, std::less<>>;

// The two registries every test needs, plus `more` (which may replace them).
Env env_with(const Env& more = {}) {
    Env env{{"V1_REGISTRY", "old.example:5000"}, {"V2_REGISTRY", "new.example"}};
    for (const auto& [name, value] : more)
        env[name] = value;
    return env;
}

MigratorSettings parse(const Env& env) {
    auto settings = parse_migrator_env(lookup_in(env));
    EXPECT_TRUE(settings) << (settings ? "" : settings.error().message);
    return settings ? std::move(*settings) : MigratorSettings{};
}

Error parse_error(const Env& env) {
    const auto settings = parse_migrator_env(lookup_in(env));
    EXPECT_FALSE(settings);
    return settings ? Error{} : settings.error();
}

// The message starts with the variable's name and the error is a usage error (exit 2).
void expect_names(const Error& error, std::string_view variable) {
    EXPECT_EQ(error.kind, ErrorKind::invalid_argument);
    EXPECT_EQ(error.message.rfind(std::string(variable) + ": ", 0), 0u) << error.message;
}

RegistrySide side(std::string host) {
    RegistrySide result;
    result.host = std::move(host);
    return result;
}

SyncPair pair_for(const Env& env) {
    const auto settings = parse(env);
    auto pair =
        migrator_pair(settings, side(settings.source.host), side(settings.destination.host));
    EXPECT_TRUE(pair) << (pair ? "" : pair.error().message);
    return pair ? std::move(*pair) : SyncPair{};
}

TEST(MigratorEnv, DefaultsMatchTheMigrator) {
    const auto settings = parse(env_with());
    EXPECT_EQ(settings.source.host, "old.example:5000");
    EXPECT_EQ(settings.destination.host, "new.example");
    EXPECT_EQ(settings.error_action, ErrorAction::prompt);
    EXPECT_EQ(settings.increment, 0u);
    EXPECT_TRUE(settings.user_prompt);
    EXPECT_TRUE(settings.library_namespace);
    EXPECT_FALSE(settings.skip_existing);
    EXPECT_TRUE(settings.source.login);
    EXPECT_TRUE(settings.destination.login);
    EXPECT_EQ(settings.source.tls, transport::TlsMode::automatic);
    EXPECT_EQ(settings.destination.tls, transport::TlsMode::automatic);
    EXPECT_TRUE(settings.repositories.empty());
    EXPECT_FALSE(settings.repository_filter);
    EXPECT_TRUE(settings.tag_filter.empty());
}

TEST(MigratorEnv, MissingSourceRegistryIsNamed) {
    expect_names(parse_error({{"V2_REGISTRY", "new.example"}}), "V1_REGISTRY");
}

TEST(MigratorEnv, MissingDestinationRegistryIsNamed) {
    expect_names(parse_error({{"V1_REGISTRY", "old.example"}}), "V2_REGISTRY");
}

TEST(MigratorEnv, RegistryWithASchemeIsRefused) {
    const auto error = parse_error(env_with({{"V1_REGISTRY", "https://old.example"}}));
    expect_names(error, "V1_REGISTRY");
    EXPECT_NE(error.message.find("USE_HTTP"), std::string::npos);
}

TEST(MigratorEnv, RegistryWithAPathIsRefused) {
    expect_names(parse_error(env_with({{"V2_REGISTRY", "new.example/team"}})), "V2_REGISTRY");
}

TEST(MigratorEnv, DifferentRegistriesNeedNoStaging) {
    EXPECT_FALSE(parse(env_with()).same_host());
}

TEST(MigratorEnv, SameRegistryStagesUnderTheStateDirectoryByDefault) {
    const auto settings =
        parse(env_with({{"V2_REGISTRY", "OLD.example:5000"}, {"HOME", "/home/ops"}}));
    EXPECT_TRUE(settings.same_host());
    EXPECT_EQ(settings.staging_dir, "/home/ops/.local/state/regmigrate/staging/old.example_5000");
    EXPECT_EQ(settings.switch_timeout, std::chrono::seconds(3600));
}

TEST(MigratorEnv, SameRegistryPrefersXdgStateHome) {
    const auto settings = parse(env_with({{"V2_REGISTRY", "old.example:5000"},
                                          {"HOME", "/home/ops"},
                                          {"XDG_STATE_HOME", "/var/state"}}));
    EXPECT_EQ(settings.staging_dir, "/var/state/regmigrate/staging/old.example_5000");
}

TEST(MigratorEnv, StagingDirAndSwitchTimeoutAreSettable) {
    const auto settings = parse(env_with({{"V2_REGISTRY", "old.example:5000"},
                                          {"MIGRATION_STAGING_DIR", "/big/disk"},
                                          {"MIGRATION_SWITCH_TIMEOUT", "90"}}));
    EXPECT_EQ(settings.staging_dir, "/big/disk");
    EXPECT_EQ(settings.switch_timeout, std::chrono::seconds(90));
}

TEST(MigratorEnv, SwitchTimeoutIsAPositiveInteger) {
    expect_names(parse_error(env_with(
                     {{"V2_REGISTRY", "old.example:5000"}, {"MIGRATION_SWITCH_TIMEOUT", "soon"}})),
                 "MIGRATION_SWITCH_TIMEOUT");
}

TEST(MigratorEnv, DockerHubCannotBeMigratedOntoItself) {
    expect_names(
        parse_error({{"V1_REGISTRY", "docker.io"}, {"V2_REGISTRY", "registry-1.docker.io"}}),
        "V2_REGISTRY");
}

TEST(MigratorEnv, ErrorActionAcceptsEachAction) {
    EXPECT_EQ(parse(env_with({{"ERROR_ACTION", "retry"}})).error_action, ErrorAction::retry);
    EXPECT_EQ(parse(env_with({{"ERROR_ACTION", "skip"}})).error_action, ErrorAction::skip);
    EXPECT_EQ(parse(env_with({{"ERROR_ACTION", "abort"}})).error_action, ErrorAction::abort);
    EXPECT_EQ(parse(env_with({{"ERROR_ACTION", "prompt"}})).error_action, ErrorAction::prompt);
}

TEST(MigratorEnv, UnknownErrorActionIsNamed) {
    expect_names(parse_error(env_with({{"ERROR_ACTION", "ignore"}})), "ERROR_ACTION");
}

TEST(MigratorEnv, IncrementIsAPositiveInteger) {
    EXPECT_EQ(parse(env_with({{"MIGRATION_INCREMENT", "25"}})).increment, 25u);
}

TEST(MigratorEnv, IncrementRejectsZeroNegativeAndText) {
    for (const char* bad : {"0", "-3", "ten", "5x", " 5"}) {
        expect_names(parse_error(env_with({{"MIGRATION_INCREMENT", bad}})), "MIGRATION_INCREMENT");
    }
}

TEST(MigratorEnv, EmptyValueCountsAsUnset) {
    const auto settings = parse(env_with({{"MIGRATION_INCREMENT", ""}, {"USER_PROMPT", ""}}));
    EXPECT_EQ(settings.increment, 0u);
    EXPECT_TRUE(settings.user_prompt);
}

TEST(MigratorEnv, BooleansAcceptTrueAndFalseInAnyCase) {
    const auto settings = parse(env_with({{"USER_PROMPT", "FALSE"},
                                          {"LIBRARY_NAMESPACE", "False"},
                                          {"SKIP_EXISTING_TAGS", "TRUE"}}));
    EXPECT_FALSE(settings.user_prompt);
    EXPECT_FALSE(settings.library_namespace);
    EXPECT_TRUE(settings.skip_existing);
}

TEST(MigratorEnv, EveryBooleanRejectsOtherWordsNamingItself) {
    for (const char* name :
         {"USER_PROMPT", "LIBRARY_NAMESPACE", "SKIP_EXISTING_TAGS", "NO_LOGIN", "V1_NO_LOGIN",
          "V2_NO_LOGIN", "USE_INSECURE_CURL", "USE_HTTP", "V1_USE_HTTP", "V2_USE_HTTP",
          "ALLOW_PLAIN_HTTP_CREDENTIALS", "V1_ALLOW_PLAIN_HTTP_CREDENTIALS"}) {
        expect_names(parse_error(env_with({{name, "yes"}})), name);
    }
}

TEST(MigratorEnv, UseHttpMakesBothSidesPlain) {
    const auto settings = parse(env_with({{"USE_HTTP", "true"}}));
    EXPECT_EQ(settings.source.tls, transport::TlsMode::disabled);
    EXPECT_EQ(settings.destination.tls, transport::TlsMode::disabled);
}

TEST(MigratorEnv, SideUseHttpMakesOnlyThatSidePlain) {
    const auto settings = parse(env_with({{"V2_USE_HTTP", "true"}}));
    EXPECT_EQ(settings.source.tls, transport::TlsMode::automatic);
    EXPECT_EQ(settings.destination.tls, transport::TlsMode::disabled);
}

TEST(MigratorEnv, PlainHttpCredentialsAreRefusedUnlessAllowed) {
    const auto settings = parse(env_with({{"USE_HTTP", "true"}}));
    EXPECT_FALSE(settings.source.allow_plain_http_credentials);
    EXPECT_FALSE(settings.destination.allow_plain_http_credentials);
}

TEST(MigratorEnv, AllowPlainHttpCredentialsForBothSidesOrOne) {
    const auto both = parse(env_with({{"ALLOW_PLAIN_HTTP_CREDENTIALS", "true"}}));
    EXPECT_TRUE(both.source.allow_plain_http_credentials);
    EXPECT_TRUE(both.destination.allow_plain_http_credentials);
    const auto one = parse(env_with({{"V1_ALLOW_PLAIN_HTTP_CREDENTIALS", "true"}}));
    EXPECT_TRUE(one.source.allow_plain_http_credentials);
    EXPECT_FALSE(one.destination.allow_plain_http_credentials);
}

TEST(MigratorEnv, InsecureCurlSkipsVerificationWhereTlsIsUsed) {
    const auto settings = parse(env_with({{"USE_INSECURE_CURL", "true"}, {"V1_USE_HTTP", "true"}}));
    EXPECT_EQ(settings.source.tls, transport::TlsMode::disabled);
    EXPECT_EQ(settings.destination.tls, transport::TlsMode::insecure);
}

TEST(MigratorEnv, CredentialsNeedUsernamePasswordAndEmail) {
    const auto settings = parse(env_with(
        {{"V1_USERNAME", "alice"}, {"V1_PASSWORD", "s3cret"}, {"V1_EMAIL", "a@example.com"}}));
    ASSERT_TRUE(settings.source.credentials);
    EXPECT_EQ(settings.source.credentials->username, "alice");
    EXPECT_EQ(settings.source.credentials->password, "s3cret");
    EXPECT_FALSE(settings.destination.credentials);
}

TEST(MigratorEnv, CredentialsWithoutEmailAreNotUsed) {
    const auto settings = parse(env_with({{"V2_USERNAME", "bob"}, {"V2_PASSWORD", "pw"}}));
    EXPECT_FALSE(settings.destination.credentials);
    EXPECT_TRUE(settings.destination.login);
}

TEST(MigratorEnv, NoLoginSkipsLoginOnBothSidesAndIgnoresCredentials) {
    const auto settings = parse(env_with(
        {{"NO_LOGIN", "true"}, {"V1_USERNAME", "a"}, {"V1_PASSWORD", "b"}, {"V1_EMAIL", "c"}}));
    EXPECT_FALSE(settings.source.login);
    EXPECT_FALSE(settings.destination.login);
    EXPECT_FALSE(settings.source.credentials);
}

TEST(MigratorEnv, SideNoLoginSkipsOnlyThatSide) {
    const auto settings = parse(env_with({{"V2_NO_LOGIN", "true"}}));
    EXPECT_TRUE(settings.source.login);
    EXPECT_FALSE(settings.destination.login);
}

TEST(MigratorEnv, PasswordIsTakenVerbatim) {
    const auto settings = parse(env_with(
        {{"V2_USERNAME", "bob"}, {"V2_PASSWORD", " a:b c "}, {"V2_EMAIL", "b@example.com"}}));
    ASSERT_TRUE(settings.destination.credentials);
    EXPECT_EQ(settings.destination.credentials->password, " a:b c ");
}

TEST(MigratorEnv, FullRepoListSplitsOnAnyWhitespace) {
    const auto settings =
        parse(env_with({{"V1_FULL_REPO_LIST", "  team/app\tbase/alpine\n\nweb  "}}));
    EXPECT_EQ(settings.repositories, (std::vector<std::string>{"team/app", "base/alpine", "web"}));
}

TEST(MigratorEnv, InvalidRepoFilterIsNamed) {
    expect_names(parse_error(env_with({{"V1_REPO_FILTER", R"(\(unclosed)"}})), "V1_REPO_FILTER");
}

TEST(MigratorEnv, OrganizationAndTagFilterAreCarried) {
    const auto settings = parse(env_with({{"DOCKER_HUB_ORG", "acme"}, {"V1_TAG_FILTER", "1.2"}}));
    EXPECT_EQ(settings.hub_organization, "acme");
    EXPECT_EQ(settings.tag_filter, "1.2");
}

TEST(MigratorVariables, ListsEveryVariableOnce) {
    std::vector<std::string_view> names;
    for (const auto& variable : migrator_variables())
        names.push_back(variable.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
    for (const char* name :
         {"V1_REGISTRY",           "V2_REGISTRY",        "ERROR_ACTION",      "MIGRATION_INCREMENT",
          "USER_PROMPT",           "NO_LOGIN",           "V1_NO_LOGIN",       "V2_NO_LOGIN",
          "V1_USERNAME",           "V1_PASSWORD",        "V1_EMAIL",          "V2_USERNAME",
          "V2_PASSWORD",           "V2_EMAIL",           "USE_INSECURE_CURL", "USE_HTTP",
          "V1_USE_HTTP",           "V2_USE_HTTP",        "DOCKER_HUB_ORG",    "V1_FULL_REPO_LIST",
          "V1_REPO_FILTER",        "V1_TAG_FILTER",      "V1_NEWER_THAN",     "V1_KEEP_LAST",
          "LIBRARY_NAMESPACE",     "SKIP_EXISTING_TAGS", "PRUNE_TAGS",        "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}) {
        EXPECT_TRUE(std::binary_search(names.begin(), names.end(), std::string_view(name))) << name;
    }
}

TEST(MigratorPair, RepoFilterIsAnUnanchoredSearch) {
    const auto pair = pair_for(env_with({{"V1_REPO_FILTER", "app"}}));
    EXPECT_TRUE(pair.selects_repository("team/app-1"));
    EXPECT_TRUE(pair.selects_repository("webapp"));
    EXPECT_FALSE(pair.selects_repository("team/db"));
}

TEST(MigratorPair, RepoFilterCaretAnchorsAtTheStartOnly) {
    const auto pair = pair_for(env_with({{"V1_REPO_FILTER", "^lib.*"}}));
    EXPECT_TRUE(pair.selects_repository("libfoo/x"));
    EXPECT_FALSE(pair.selects_repository("team/libfoo"));
}

TEST(MigratorPair, RepoFilterUsesBasicRegexGroupsAndAlternation) {
    const auto pair = pair_for(env_with({{"V1_REPO_FILTER", R"(^\(web\|db\)/)"}}));
    EXPECT_TRUE(pair.selects_repository("web/front"));
    EXPECT_TRUE(pair.selects_repository("db/pg"));
    EXPECT_FALSE(pair.selects_repository("cache/redis"));
}

TEST(MigratorPair, RepoFilterPlusIsLiteral) {
    const auto pair = pair_for(env_with({{"V1_REPO_FILTER", "g+"}}));
    EXPECT_TRUE(pair.selects_repository("lang/g++"));
    EXPECT_FALSE(pair.selects_repository("lang/ggg"));
}

TEST(MigratorPair, RepoFilterNarrowsTheFullRepoList) {
    const auto pair = pair_for(
        env_with({{"V1_FULL_REPO_LIST", "team/app team/db base/app"}, {"V1_REPO_FILTER", "app$"}}));
    EXPECT_EQ(pair.repositories, (std::vector<std::string>{"team/app", "base/app"}));
}

TEST(MigratorPair, RepoFilterSelectingNoneOfTheListIsAnError) {
    const auto settings =
        parse(env_with({{"V1_FULL_REPO_LIST", "team/app"}, {"V1_REPO_FILTER", "^db"}}));
    const auto pair = migrator_pair(settings, side("old.example:5000"), side("new.example"));
    ASSERT_FALSE(pair);
    expect_names(pair.error(), "V1_REPO_FILTER");
}

TEST(MigratorPair, PruneTagsMakesThePairPrune) {
    EXPECT_FALSE(pair_for(env_with()).prune);
    EXPECT_TRUE(pair_for(env_with({{"PRUNE_TAGS", "true"}})).prune);
}

TEST(MigratorEnv, PruneTagsOnTheSameRegistryIsNamed) {
    expect_names(
        parse_error(env_with({{"V2_REGISTRY", "old.example:5000"}, {"PRUNE_TAGS", "true"}})),
        "PRUNE_TAGS");
}

TEST(MigratorPair, TagFilterIsASubstring) {
    const auto pair = pair_for(env_with({{"V1_TAG_FILTER", "1.2"}}));
    EXPECT_TRUE(pair.tags.matches("v1.2.3"));
    EXPECT_FALSE(pair.tags.matches("1x2"));
}

TEST(MigratorPair, RecencyVariablesBecomeThePairsFilters) {
    const auto pair = pair_for(env_with({{"V1_NEWER_THAN", "30d"}, {"V1_KEEP_LAST", "4"}}));
    ASSERT_TRUE(pair.recency.newer_than);
    EXPECT_EQ(pair.recency.newer_than->text, "30d");
    EXPECT_EQ(pair.recency.keep_last, 4u);
}

TEST(MigratorEnv, BadNewerThanNamesTheVariable) {
    const auto error = parse_error(env_with({{"V1_NEWER_THAN", "lately"}}));
    EXPECT_EQ(error.kind, ErrorKind::invalid_argument);
    EXPECT_EQ(error.message.rfind("V1_NEWER_THAN: ", 0), 0u) << error.message;
}

TEST(MigratorEnv, KeepLastOfZeroNamesTheVariable) {
    const auto error = parse_error(env_with({{"V1_KEEP_LAST", "0"}}));
    EXPECT_EQ(error.message.rfind("V1_KEEP_LAST: must be at least 1", 0), 0u) << error.message;
}

TEST(MigratorPair, LibraryNamespaceFalseDropsLibraryFromHubImages) {
    const auto pair = pair_for(env_with({{"V1_REGISTRY", "docker.io"},
                                         {"DOCKER_HUB_ORG", "library"},
                                         {"LIBRARY_NAMESPACE", "false"}}));
    EXPECT_EQ(pair.destination_repository("nginx"), "nginx");
}

TEST(MigratorPair, LibraryNamespaceByDefaultKeepsLibrary) {
    const auto pair =
        pair_for(env_with({{"V1_REGISTRY", "docker.io"}, {"DOCKER_HUB_ORG", "library"}}));
    EXPECT_EQ(pair.destination_repository("nginx"), "library/nginx");
}

TEST(MigratorPair, HubOrganizationDefaultsToTheSourceLoginUser) {
    const auto settings = parse(env_with({{"V1_REGISTRY", "docker.io"}}));
    auto source = side("docker.io");
    source.credentials = {"alice", "pw"};
    const auto pair = migrator_pair(settings, source, side("new.example"));
    ASSERT_TRUE(pair) << pair.error().message;
    EXPECT_EQ(pair->hub_organization, "alice");
}

TEST(MigratorPair, HubOrganizationVariableWinsOverTheLoginUser) {
    const auto settings =
        parse(env_with({{"V1_REGISTRY", "docker.io"}, {"DOCKER_HUB_ORG", "acme"}}));
    auto source = side("docker.io");
    source.credentials = {"alice", "pw"};
    const auto pair = migrator_pair(settings, source, side("new.example"));
    ASSERT_TRUE(pair) << pair.error().message;
    EXPECT_EQ(pair->hub_organization, "acme");
}

TEST(MigratorPair, HubWithoutOrganizationLoginOrListIsNamed) {
    const auto settings = parse(env_with({{"V1_REGISTRY", "docker.io"}}));
    const auto pair = migrator_pair(settings, side("docker.io"), side("new.example"));
    ASSERT_FALSE(pair);
    expect_names(pair.error(), "DOCKER_HUB_ORG");
}

TEST(MigratorPair, HubWithAFullRepoListNeedsNoOrganization) {
    const auto pair =
        pair_for(env_with({{"V1_REGISTRY", "docker.io"}, {"V1_FULL_REPO_LIST", "nginx"}}));
    EXPECT_EQ(pair.repositories, (std::vector<std::string>{"nginx"}));
    EXPECT_TRUE(pair.hub_organization.empty());
}

TEST(MigratorSyncOptions, CarryErrorActionSkipExistingAndIncrement) {
    const auto options = migrator_sync_options(parse(env_with({{"ERROR_ACTION", "abort"},
                                                               {"SKIP_EXISTING_TAGS", "true"},
                                                               {"MIGRATION_INCREMENT", "7"}})));
    EXPECT_EQ(options.mode, SyncMode::sync);
    EXPECT_EQ(options.error_action, ErrorAction::abort);
    EXPECT_TRUE(options.skip_existing);
    EXPECT_EQ(options.increment, 7u);
}

TEST(MigratorSyncOptions, SkipExistingIsOffByDefault) {
    EXPECT_FALSE(migrator_sync_options(parse(env_with())).skip_existing);
}

TEST(MigratorSyncOptions, IncrementOnlyWhenSourceAndDestinationDiffer) {
    const Env same{{"V1_REGISTRY", "registry.example"},
                   {"V2_REGISTRY", "REGISTRY.example"},
                   {"MIGRATION_INCREMENT", "5"}};
    EXPECT_EQ(migrator_sync_options(parse(same)).increment, 0u);
    EXPECT_EQ(migrator_sync_options(parse(env_with({{"MIGRATION_INCREMENT", "5"}}))).increment, 5u);
}

TEST(MigratorSyncOptions, JobsAndThreadsComeFromTheFlags) {
    const auto options =
        migrator_sync_options(parse(env_with()), MigratorFlags{.jobs = 12, .threads = 3});
    EXPECT_EQ(options.jobs, 12u);
    EXPECT_EQ(options.threads, 3u);
}

TEST(MigratorSyncOptions, GivenJobsFixTheTransfersInFlight) {
    EXPECT_TRUE(migrator_sync_options(parse(env_with())).adaptive_transfers);
    EXPECT_FALSE(migrator_sync_options(parse(env_with()), MigratorFlags{.jobs_given = true})
                     .adaptive_transfers);
}

TEST(MigratorSyncOptions, ASignalStopsTheRunCleanly) {
    EXPECT_TRUE(migrator_sync_options(parse(env_with())).stop_on_signals);
}

TEST(MigratorSyncOptions, PreflightRunsByDefaultAndNoPreflightTurnsItOff) {
    EXPECT_TRUE(migrator_sync_options(parse(env_with())).preflight.enabled);
    EXPECT_FALSE(migrator_sync_options(parse(env_with()), MigratorFlags{.no_preflight = true})
                     .preflight.enabled);
}

// The preflight's hint for an untrusted CA names the directory --certs-dir gave, not
// docker's default.
TEST(MigratorSyncOptions, PreflightCertificateHintNamesTheGivenCertsDir) {
    const auto options = migrator_sync_options(parse(env_with()),
                                               MigratorFlags{.certs_dir = "/srv/regmigrate/certs"});
    PreflightTarget target;
    target.role = PreflightRole::destination;
    target.side.host = "new.example";
    const auto line = describe_preflight_failure(
        target,
        make_error(ErrorKind::tls,
                   "TLS handshake with new.example: TLS error: certificate verify failed; "
                   "verify result: unable to get local issuer certificate"),
        false, options.preflight.certs_dir);
    EXPECT_NE(line.find("add its CA under /srv/regmigrate/certs/new.example/ca.crt"),
              std::string::npos)
        << line;
    EXPECT_EQ(line.find(default_certs_dir), std::string::npos) << line;
}

}  // namespace
}  // namespace regmigrate::engine
