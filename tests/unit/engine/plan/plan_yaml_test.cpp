#include "engine/plan/plan_yaml.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace regmigrate::engine {
namespace {

constexpr const char* secret = "hunter2-s3cret";

// Every key of the schema, as documented in README.md.
constexpr const char* full_plan = R"(registries:
  old:
    host: Registry.Old.Example:5000
    tls: insecure
    username: ci
    password_env: REGMIGRATE_TEST_OLD_PASSWORD
    ca_file: /etc/ssl/old-ca.pem
    ca_dir: /etc/ssl/old-cas
    client_cert: /etc/regmigrate/client.cert
    client_key: /etc/regmigrate/client.key
    chunk_size: 5242880
    max_connections: 8
  new: { host: registry.new.example, tls: disabled, username: bot, password: hunter2-s3cret,
         allow_plain_http_credentials: true }
sync:
  - from: old
    to: new
    repositories: [team/app, team/db]
    repository_regex: ["team/.*", "base/.*"]
    tags: [v1, v2]
    tag_regex: '^v[0-9.]+$'
    semver: '>=1.0.0 <2.0.0'
    prefix: mirror
    rewrite: { "team/": "platform/", "base": "images" }
    library_namespace: false
    platform: linux/arm64/v8
  - from: docker.io
    to: localhost:5001
    repository_regex: nginx
)";

class PlanYaml : public ::testing::Test {
  protected:
    void SetUp() override { ::setenv("REGMIGRATE_TEST_OLD_PASSWORD", "from-env", 1); }
    void TearDown() override { ::unsetenv("REGMIGRATE_TEST_OLD_PASSWORD"); }

    static SyncPlan parsed(const std::string& text) {
        auto plan = parse_plan_yaml(text, "PLAN.yaml");
        EXPECT_TRUE(plan) << (plan ? "" : plan.error().message);
        return plan ? *plan : SyncPlan{};
    }
    // The message of the error text must produce.
    static std::string error_of(const std::string& text) {
        const auto plan = parse_plan_yaml(text, "PLAN.yaml");
        EXPECT_FALSE(plan);
        if (plan)
            return "";
        EXPECT_EQ(plan.error().kind, ErrorKind::invalid_argument);
        EXPECT_EQ(plan.error().message.find(secret), std::string::npos) << plan.error().message;
        return plan.error().message;
    }
};

constexpr const char* minimal_sync = "sync:\n  - from: a.example\n    to: b.example\n";

TEST_F(PlanYaml, ReadsRegistryEndpoint) {
    const auto side = parsed(full_plan).pairs.at(0).source;
    EXPECT_EQ(side.host, "registry.old.example:5000");
    EXPECT_EQ(side.tls.mode, transport::TlsMode::insecure);
    EXPECT_EQ(side.tls.ca_file, "/etc/ssl/old-ca.pem");
    EXPECT_EQ(side.tls.ca_dir, "/etc/ssl/old-cas");
    EXPECT_EQ(side.tls.client_cert, "/etc/regmigrate/client.cert");
    EXPECT_EQ(side.tls.client_key, "/etc/regmigrate/client.key");
    EXPECT_EQ(side.registry.chunk_size, 5242880u);
    EXPECT_EQ(side.max_connections, 8u);
}

TEST_F(PlanYaml, PlainHttpCredentialsAreRefusedUnlessTheRegistryAllowsThem) {
    const auto pair = parsed(full_plan).pairs.at(0);
    EXPECT_FALSE(pair.source.registry.allow_plain_http_credentials);
    EXPECT_TRUE(pair.destination.registry.allow_plain_http_credentials);
}

// registries.NAME.proxy: one plan, one proxy per registry, reached whatever the environment.
constexpr const char* proxied_plan = R"(registries:
  far: { host: far.example, proxy: "http://ops:hunter2-s3cret@10.0.0.1:3128" }
  near: { host: near.example, proxy: none }
  plain: { host: plain.example }
sync:
  - { from: far, to: near }
  - { from: plain, to: near }
)";

TEST_F(PlanYaml, ProxyUrlCarriesEveryOriginOfThatRegistry) {
    const auto side = parsed(proxied_plan).pairs.at(0).source;
    ASSERT_TRUE(side.proxy);
    EXPECT_EQ(side.proxy->https.value().address(), "10.0.0.1:3128");
    EXPECT_EQ(side.proxy->http.value().username, "ops");
    EXPECT_TRUE(side.proxy->proxy_loopback);
}

TEST_F(PlanYaml, ProxyNoneMakesEveryOriginDirect) {
    const auto side = parsed(proxied_plan).pairs.at(0).destination;
    ASSERT_TRUE(side.proxy);
    EXPECT_FALSE(side.proxy->http);
    EXPECT_FALSE(side.proxy->https);
}

TEST_F(PlanYaml, RegistryWithoutProxyKeyLeavesItToTheEnvironment) {
    EXPECT_FALSE(parsed(proxied_plan).pairs.at(1).source.proxy);
}

TEST_F(PlanYaml, RejectsProxyThatIsNotAnHttpUrlWithoutEchoingItsPassword) {
    const auto message = error_of(
        "registries:\n  old:\n    host: a.example\n    proxy: "
        "socks5://u:hunter2-s3cret@p:1080\n" +
        std::string("sync:\n  - from: old\n    to: b.example\n"));
    EXPECT_NE(message.find("PLAN.yaml line 4: \"registries.old.proxy\" must be none or"),
              std::string::npos)
        << message;
}

TEST_F(PlanYaml, ReadsPasswordFromNamedEnvironmentVariable) {
    const auto credentials = parsed(full_plan).pairs.at(0).source.credentials;
    EXPECT_EQ(credentials.username, "ci");
    EXPECT_EQ(credentials.password, "from-env");
}

TEST_F(PlanYaml, ReadsInlinePasswordAndFlowMapEndpoint) {
    const auto side = parsed(full_plan).pairs.at(0).destination;
    EXPECT_EQ(side.host, "registry.new.example");
    EXPECT_EQ(side.tls.mode, transport::TlsMode::disabled);
    EXPECT_EQ(side.credentials.username, "bot");
    EXPECT_EQ(side.credentials.password, secret);
}

TEST_F(PlanYaml, ReadsRepositorySelection) {
    const auto pair = parsed(full_plan).pairs.at(0);
    EXPECT_EQ(pair.repositories, (std::vector<std::string>{"team/app", "team/db"}));
    ASSERT_EQ(pair.repository_patterns.size(), 2u);
    EXPECT_TRUE(pair.selects_repository("team/app"));
    EXPECT_FALSE(pair.selects_repository("base/alpine"));  // not in the explicit list
}

TEST_F(PlanYaml, ReadsTagSelection) {
    const auto tags = parsed(full_plan).pairs.at(0).tags;
    EXPECT_EQ(tags.exact, (std::vector<std::string>{"v1", "v2"}));
    ASSERT_TRUE(tags.pattern);
    ASSERT_TRUE(tags.semver);
    EXPECT_TRUE(tags.semver->contains(SemVer{1, 5, 0, ""}));
    EXPECT_FALSE(tags.semver->contains(SemVer{2, 0, 0, ""}));
}

TEST_F(PlanYaml, ReadsMappingInDocumentOrder) {
    const auto pair = parsed(full_plan).pairs.at(0);
    EXPECT_EQ(pair.prefix, "mirror");
    using Rule = std::pair<std::string, std::string>;
    EXPECT_EQ(pair.rewrites, (std::vector<Rule>{{"team/", "platform/"}, {"base", "images"}}));
    EXPECT_FALSE(pair.library_namespace);
    EXPECT_EQ(pair.platform, "linux/arm64/v8");
    EXPECT_EQ(pair.destination_repository("team/app"), "mirror/platform/app");
}

TEST_F(PlanYaml, DirectHostsGetDefaultSettings) {
    const auto pair = parsed(full_plan).pairs.at(1);
    EXPECT_EQ(pair.source.host, "registry-1.docker.io");
    EXPECT_EQ(pair.destination.host, "localhost:5001");
    EXPECT_EQ(pair.destination.tls.mode, transport::TlsMode::automatic);
    EXPECT_TRUE(pair.destination.credentials.empty());
}

TEST_F(PlanYaml, SingleRepositoryRegexMayBeAString) {
    const auto pair = parsed(full_plan).pairs.at(1);
    ASSERT_EQ(pair.repository_patterns.size(), 1u);
    EXPECT_TRUE(pair.selects_repository("library/nginx"));
}

TEST_F(PlanYaml, DefaultsWhenKeysAreAbsent) {
    const auto pair = parsed(minimal_sync).pairs.at(0);
    EXPECT_TRUE(pair.repositories.empty());
    EXPECT_TRUE(pair.repository_patterns.empty());
    EXPECT_TRUE(pair.library_namespace);
    EXPECT_FALSE(pair.platform);
    EXPECT_TRUE(pair.prefix.empty());
    EXPECT_FALSE(pair.source.max_connections);  // sized by the run
}

TEST_F(PlanYaml, RegistriesAreOptional) {
    EXPECT_EQ(parsed(minimal_sync).pairs.size(), 1u);
}

TEST_F(PlanYaml, UnknownKeyInSyncEntryNamesKeyEntryAndLine) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    tagz: [v1]\n"),
              "PLAN.yaml line 4: unknown key \"tagz\" in sync[0]");
}

TEST_F(PlanYaml, UnknownKeyInRegistry) {
    EXPECT_EQ(error_of("registries:\n  old:\n    host: a.example\n    hots: b\n"),
              "PLAN.yaml line 4: unknown key \"hots\" in registries.old");
}

TEST_F(PlanYaml, UnknownTopLevelKey) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "jobs: 4\n"),
              "PLAN.yaml line 4: unknown key \"jobs\" in the plan");
}

TEST_F(PlanYaml, DuplicateKeyIsAnError) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    to: c.example\n"),
              "PLAN.yaml line 4: duplicate key \"to\" in sync[0]");
}

TEST_F(PlanYaml, InvalidTlsModeNamesKeyAndChoices) {
    EXPECT_EQ(
        error_of("registries:\n  old:\n    host: a.example\n    tls: yes-please\n" +
                 std::string(minimal_sync)),
        "PLAN.yaml line 4: \"registries.old.tls\" must be one of enabled, insecure, disabled");
}

TEST_F(PlanYaml, ListExpectedNamesKeyAndLine) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    repositories: team/app\n"),
              "PLAN.yaml line 4: \"sync[0].repositories\" must be a list");
}

TEST_F(PlanYaml, ScalarExpectedNamesKeyAndLine) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    prefix: [a, b]\n"),
              "PLAN.yaml line 4: \"sync[0].prefix\" must be a scalar");
}

TEST_F(PlanYaml, NonIntegerNumberNamesKey) {
    EXPECT_EQ(
        error_of("registries:\n  old:\n    host: a.example\n    max_connections: -3\n" +
                 std::string(minimal_sync)),
        "PLAN.yaml line 4: \"registries.old.max_connections\" must be a non-negative integer");
}

TEST_F(PlanYaml, TimeoutBoundsEveryNetworkWaitOfTheEndpoint) {
    const auto side = parsed(
                          "registries:\n  old:\n    host: a.example\n    timeout_ms: 1500\n"
                          "sync:\n  - from: old\n    to: b.example\n")
                          .pairs.at(0)
                          .source;
    EXPECT_EQ(side.timeouts.connect, std::chrono::milliseconds(1500));
    EXPECT_EQ(side.timeouts.response_header, std::chrono::milliseconds(1500));
    EXPECT_EQ(side.timeouts.idle, std::chrono::milliseconds(1500));
}

TEST_F(PlanYaml, ZeroTimeoutIsAnError) {
    EXPECT_NE(error_of("registries:\n  old:\n    host: a.example\n    timeout_ms: 0\n" +
                       std::string(minimal_sync))
                  .find("line 4: \"registries.old.timeout_ms\" must be at least 1"),
              std::string::npos);
}

TEST_F(PlanYaml, ZeroMaxConnectionsIsAnError) {
    EXPECT_NE(error_of("registries:\n  old:\n    host: a.example\n    max_connections: 0\n" +
                       std::string(minimal_sync))
                  .find("line 4: \"registries.old.max_connections\" must be at least 1"),
              std::string::npos);
}

TEST_F(PlanYaml, NonBooleanLibraryNamespaceNamesKey) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    library_namespace: maybe\n"),
              "PLAN.yaml line 4: \"sync[0].library_namespace\" must be true or false");
}

TEST_F(PlanYaml, RegistryWithoutHostIsAnError) {
    EXPECT_EQ(error_of("registries:\n  old:\n    tls: enabled\n" + std::string(minimal_sync)),
              "PLAN.yaml line 2: registries.old needs \"host\"");
}

TEST_F(PlanYaml, HostWithSchemeIsAnError) {
    EXPECT_NE(
        error_of("registries:\n  old:\n    host: https://a.example\n" + std::string(minimal_sync))
            .find("line 3: \"registries.old.host\" must be HOST[:PORT]"),
        std::string::npos);
}

TEST_F(PlanYaml, FromThatIsNeitherNameNorHostIsAnError) {
    EXPECT_EQ(error_of("sync:\n  - from: olde\n    to: b.example\n"),
              "PLAN.yaml line 2: \"sync[0].from\" \"olde\" is neither a name under registries nor "
              "a HOST[:PORT]");
}

TEST_F(PlanYaml, MissingToIsAnError) {
    EXPECT_EQ(error_of("sync:\n  - from: a.example\n"), "PLAN.yaml line 2: sync[0] needs \"to\"");
}

TEST_F(PlanYaml, UnsetPasswordEnvNamesTheVariable) {
    ::unsetenv("REGMIGRATE_TEST_OLD_PASSWORD");
    EXPECT_EQ(error_of(full_plan),
              "PLAN.yaml line 6: \"registries.old.password_env\" names environment variable "
              "\"REGMIGRATE_TEST_OLD_PASSWORD\", which is not set");
}

TEST_F(PlanYaml, PasswordAndPasswordEnvTogetherDoNotEchoThePassword) {
    const auto message = error_of(std::string("registries:\n  old:\n    host: a.example\n") +
                                  "    username: u\n    password: " + secret +
                                  "\n    password_env: X\n" + minimal_sync);
    EXPECT_NE(message.find("line 6: \"registries.old.password_env\""), std::string::npos);
}

TEST_F(PlanYaml, PasswordWithoutUsernameDoesNotEchoThePassword) {
    const auto message = error_of(std::string("registries:\n  old:\n    host: a.example\n") +
                                  "    password: " + secret + "\n" + minimal_sync);
    EXPECT_EQ(message, "PLAN.yaml line 4: \"registries.old.password\" needs \"username\"");
}

TEST_F(PlanYaml, PasswordOfWrongTypeDoesNotEchoIt) {
    const auto message =
        error_of(std::string("registries:\n  old:\n    host: a.example\n") +
                 "    username: u\n    password: [" + secret + "]\n" + minimal_sync);
    EXPECT_EQ(message, "PLAN.yaml line 5: \"registries.old.password\" must be a scalar");
}

TEST_F(PlanYaml, ClientCertWithoutKeyIsAnError) {
    EXPECT_EQ(error_of("registries:\n  old:\n    host: a.example\n    client_cert: /c.pem\n" +
                       std::string(minimal_sync)),
              "PLAN.yaml line 4: \"registries.old.client_cert\" needs \"client_key\"");
}

TEST_F(PlanYaml, InvalidTagRegexNamesKeyLineAndRegex) {
    const auto message = error_of(std::string(minimal_sync) + "    tag_regex: 'v[0-9'\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 4: sync[0].tag_regex: invalid regular expression "
                            "\"v[0-9\"",
                            0),
              0u)
        << message;
}

TEST_F(PlanYaml, InvalidRepositoryRegexInListNamesItsLine) {
    const auto message =
        error_of(std::string(minimal_sync) + "    repository_regex:\n      - ok/.*\n      - '('\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 6: sync[0].repository_regex: ", 0), 0u) << message;
}

TEST_F(PlanYaml, InvalidSemverNamesKey) {
    const auto message = error_of(std::string(minimal_sync) + "    semver: '>=one'\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 4: \"sync[0].semver\" invalid semver range", 0), 0u)
        << message;
}

TEST_F(PlanYaml, InvalidRepositoryNameNamesItsLine) {
    EXPECT_EQ(
        error_of(std::string(minimal_sync) + "    repositories:\n      - ok/app\n      - Bad\n"),
        "PLAN.yaml line 6: \"sync[0].repositories\": \"Bad\" is not a valid repository name");
}

TEST_F(PlanYaml, InvalidTagNamesItsLine) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    tags: [\"a:b\"]\n"),
              "PLAN.yaml line 4: \"sync[0].tags\": \"a:b\" is not a valid tag");
}

TEST_F(PlanYaml, InvalidPrefixNamesKey) {
    EXPECT_NE(error_of(std::string(minimal_sync) + "    prefix: Mirror\n")
                  .find("line 4: \"sync[0].prefix\" must be a valid repository namespace"),
              std::string::npos);
}

TEST_F(PlanYaml, InvalidPlatformNamesKey) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    platform: amd64\n"),
              "PLAN.yaml line 4: \"sync[0].platform\" must be OS/ARCH[/VARIANT]");
}

TEST_F(PlanYaml, Schema1DefaultsToAuto) {
    EXPECT_EQ(parsed(minimal_sync).pairs.at(0).schema1, Schema1Mode::automatic);
}

TEST_F(PlanYaml, Schema1KeyChoosesTheMode) {
    EXPECT_EQ(parsed(std::string(minimal_sync) + "    schema1: convert\n").pairs.at(0).schema1,
              Schema1Mode::convert);
    EXPECT_EQ(parsed(std::string(minimal_sync) + "    schema1: keep\n").pairs.at(0).schema1,
              Schema1Mode::keep);
}

TEST_F(PlanYaml, InvalidSchema1NamesKey) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    schema1: v2s2\n"),
              "PLAN.yaml line 4: \"sync[0].schema1\" must be keep, convert or auto");
}

TEST_F(PlanYaml, ImageParallelismIsUnsetUnlessGiven) {
    EXPECT_FALSE(parsed(minimal_sync).pairs.at(0).image_parallelism);
    EXPECT_EQ(parsed(std::string(minimal_sync) + "    image_parallelism: 3\n")
                  .pairs.at(0)
                  .image_parallelism,
              3u);
}

TEST_F(PlanYaml, ImageParallelismOfZeroNamesKey) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    image_parallelism: 0\n"),
              "PLAN.yaml line 4: \"sync[0].image_parallelism\" must be at least 1");
}

TEST_F(PlanYaml, RecencyFiltersAreUnsetUnlessGiven) {
    EXPECT_FALSE(parsed(minimal_sync).pairs.at(0).recency.active());
}

TEST_F(PlanYaml, NewerThanTakesADurationOrADate) {
    const auto age = parsed(std::string(minimal_sync) + "    newer_than: 90d\n").pairs.at(0);
    ASSERT_TRUE(age.recency.newer_than);
    EXPECT_EQ(age.recency.newer_than->age, std::chrono::hours(24 * 90));
    const auto date =
        parsed(std::string(minimal_sync) + "    newer_than: 2026-09-01\n").pairs.at(0);
    ASSERT_TRUE(date.recency.newer_than);
    EXPECT_EQ(date.recency.newer_than->cutoff({}), parse_timestamp("2026-09-01").value());
}

TEST_F(PlanYaml, KeepLastIsACount) {
    EXPECT_EQ(
        parsed(std::string(minimal_sync) + "    keep_last: 5\n").pairs.at(0).recency.keep_last, 5u);
}

TEST_F(PlanYaml, BadNewerThanNamesKey) {
    const auto message = error_of(std::string(minimal_sync) + "    newer_than: soon\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 4: \"sync[0].newer_than\" is invalid: \"soon\"", 0), 0u)
        << message;
}

TEST_F(PlanYaml, KeepLastOfZeroNamesKey) {
    const auto message = error_of(std::string(minimal_sync) + "    keep_last: 0\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 4: \"sync[0].keep_last\" must be at least 1", 0), 0u)
        << message;
}

TEST_F(PlanYaml, PruneIsOffUnlessGiven) {
    EXPECT_FALSE(parsed(minimal_sync).pairs.at(0).prune);
    EXPECT_TRUE(parsed(std::string(minimal_sync) + "    prune: true\n").pairs.at(0).prune);
}

TEST_F(PlanYaml, NonBooleanPruneNamesKey) {
    EXPECT_NE(error_of(std::string(minimal_sync) + "    prune: sometimes\n").find("sync[0].prune"),
              std::string::npos);
}

TEST_F(PlanYaml, RewriteMustBeAMap) {
    EXPECT_EQ(error_of(std::string(minimal_sync) + "    rewrite: [a, b]\n"),
              "PLAN.yaml line 4: \"sync[0].rewrite\" must be a map");
}

TEST_F(PlanYaml, MappedNameThatIsInvalidNamesTheEntry) {
    const auto message = error_of(std::string(minimal_sync) +
                                  "    repositories: [team/app]\n    rewrite: {team/: Big/}\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line 2: sync[0]: repository \"team/app\" maps to", 0), 0u)
        << message;
}

TEST_F(PlanYaml, SyncMustBeANonEmptyList) {
    EXPECT_EQ(error_of("sync: []\n"),
              "PLAN.yaml line 1: \"sync\" must be a non-empty list of sync entries");
}

TEST_F(PlanYaml, PlanWithoutSyncIsAnError) {
    EXPECT_NE(error_of("registries: {}\n").find("needs a \"sync\" list"), std::string::npos);
}

TEST_F(PlanYaml, EmptyDocumentIsAnError) {
    EXPECT_NE(error_of("").find("the plan is empty"), std::string::npos);
}

TEST_F(PlanYaml, MalformedYamlNamesTheLine) {
    const auto message = error_of(std::string(minimal_sync) + "    tags: [v1\n");
    EXPECT_EQ(message.rfind("PLAN.yaml line ", 0), 0u) << message;
    EXPECT_NE(message.find("not valid YAML"), std::string::npos) << message;
}

TEST(LoadPlanFile, ReadsTheFile) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("regmigrate-plan-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << minimal_sync;
    const auto plan = load_plan_file(path.string());
    std::filesystem::remove(path);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->pairs.at(0).source.host, "a.example");
}

TEST(LoadPlanFile, ErrorsNameTheFile) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("regmigrate-plan-bad-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << "sync: 3\n";
    const auto plan = load_plan_file(path.string());
    std::filesystem::remove(path);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message.rfind(path.string() + " line 1: ", 0), 0u);
}

TEST(LoadPlanFile, UnreadableFileNamesThePath) {
    const auto plan = load_plan_file("/nonexistent/regmigrate/plan.yaml");
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(plan.error().message.find("/nonexistent/regmigrate/plan.yaml"), std::string::npos);
}

TEST(LoadPlanFile, DirectoryIsUnreadable) {
    const auto plan = load_plan_file(std::filesystem::temp_directory_path().string());
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("cannot read plan file"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
