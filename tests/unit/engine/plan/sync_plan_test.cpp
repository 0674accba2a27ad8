#include "engine/plan/sync_plan.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

SyncPair pair_between(std::string source, std::string destination) {
    SyncPair pair;
    pair.source.host = std::move(source);
    pair.destination.host = std::move(destination);
    return pair;
}

SyncPair hub_pair() {
    return pair_between("docker.io", "registry.new.example");
}
SyncPair plain_pair() {
    return pair_between("registry.old.example:5000", "registry.new.example");
}

boost::regex regex(std::string_view text) {
    return compile_regex(text, "test").value();
}

std::string validation_error(const SyncPair& pair) {
    const auto valid = validate_pair(pair);
    EXPECT_FALSE(valid);
    return valid ? "" : valid.error().message;
}

TEST(SourceRepository, DockerHubSingleNameIsInLibrary) {
    EXPECT_EQ(hub_pair().source_repository("nginx"), "library/nginx");
    EXPECT_EQ(hub_pair().source_repository("team/app"), "team/app");
}

TEST(SourceRepository, OtherRegistriesKeepTheName) {
    EXPECT_EQ(plain_pair().source_repository("nginx"), "nginx");
}

TEST(SelectsRepository, WithoutListOrPatternsSelectsAll) {
    EXPECT_TRUE(plain_pair().selects_repository("anything/at/all"));
}

TEST(SelectsRepository, ExplicitListSelectsOnlyListed) {
    auto pair = plain_pair();
    pair.repositories = {"team/app", "team/db"};
    EXPECT_TRUE(pair.selects_repository("team/db"));
    EXPECT_FALSE(pair.selects_repository("team/web"));
}

TEST(SelectsRepository, ExplicitListOnDockerHubComparesLibraryNames) {
    auto pair = hub_pair();
    pair.repositories = {"nginx"};
    EXPECT_TRUE(pair.selects_repository("library/nginx"));
    EXPECT_TRUE(pair.selects_repository("nginx"));
}

TEST(SelectsRepository, PatternMustMatchTheWholeName) {
    auto pair = plain_pair();
    pair.repository_patterns = {regex("team/.*")};
    EXPECT_TRUE(pair.selects_repository("team/app"));
    EXPECT_FALSE(pair.selects_repository("other/team/app"));
}

TEST(SelectsRepository, AnyOfSeveralPatternsSuffices) {
    auto pair = plain_pair();
    pair.repository_patterns = {regex("team/.*"), regex("base/.*")};
    EXPECT_TRUE(pair.selects_repository("base/alpine"));
    EXPECT_FALSE(pair.selects_repository("tools/jq"));
}

TEST(SelectsRepository, ListAndPatternMustBothHold) {
    auto pair = plain_pair();
    pair.repositories = {"team/app", "base/alpine"};
    pair.repository_patterns = {regex("team/.*")};
    EXPECT_TRUE(pair.selects_repository("team/app"));
    EXPECT_FALSE(pair.selects_repository("base/alpine"));
}

TEST(SelectsRepository, PatternOnDockerHubMatchesShortOrLibraryName) {
    auto pair = hub_pair();
    pair.repository_patterns = {regex("nginx")};
    EXPECT_TRUE(pair.selects_repository("library/nginx"));
    pair.repository_patterns = {regex("library/nginx")};
    EXPECT_TRUE(pair.selects_repository("nginx"));
}

TEST(DestinationRepository, KeepsTheNameByDefault) {
    EXPECT_EQ(plain_pair().destination_repository("team/app"), "team/app");
}

TEST(DestinationRepository, PrefixAddsANamespace) {
    auto pair = plain_pair();
    pair.prefix = "mirror";
    EXPECT_EQ(pair.destination_repository("team/app"), "mirror/team/app");
}

TEST(DestinationRepository, RewriteReplacesTheMatchingPrefix) {
    auto pair = plain_pair();
    pair.rewrites = {{"team/", "platform/"}};
    EXPECT_EQ(pair.destination_repository("team/app"), "platform/app");
    EXPECT_EQ(pair.destination_repository("other/app"), "other/app");
}

TEST(DestinationRepository, RewriteMatchesWholeComponents) {
    auto pair = plain_pair();
    pair.rewrites = {{"team", "platform"}};
    EXPECT_EQ(pair.destination_repository("team/app"), "platform/app");
    EXPECT_EQ(pair.destination_repository("team"), "platform");
    EXPECT_EQ(pair.destination_repository("teamster/app"), "teamster/app");
}

TEST(DestinationRepository, FirstMatchingRewriteWins) {
    auto pair = plain_pair();
    pair.rewrites = {{"team/web", "frontend"}, {"team/", "platform/"}};
    EXPECT_EQ(pair.destination_repository("team/web"), "frontend");
    EXPECT_EQ(pair.destination_repository("team/web/assets"), "frontend/assets");
    EXPECT_EQ(pair.destination_repository("team/db"), "platform/db");
}

TEST(DestinationRepository, RewriteToEmptyDropsTheNamespace) {
    auto pair = plain_pair();
    pair.rewrites = {{"team/", ""}};
    EXPECT_EQ(pair.destination_repository("team/app"), "app");
}

TEST(DestinationRepository, RewriteAppliesBeforePrefix) {
    auto pair = plain_pair();
    pair.rewrites = {{"team/", "platform/"}};
    pair.prefix = "mirror";
    EXPECT_EQ(pair.destination_repository("team/app"), "mirror/platform/app");
}

TEST(DestinationRepository, DockerHubKeepsLibraryByDefault) {
    EXPECT_EQ(hub_pair().destination_repository("nginx"), "library/nginx");
    EXPECT_EQ(hub_pair().destination_repository("library/nginx"), "library/nginx");
}

TEST(DestinationRepository, DockerHubDropsLibraryWithoutLibraryNamespace) {
    auto pair = hub_pair();
    pair.library_namespace = false;
    EXPECT_EQ(pair.destination_repository("nginx"), "nginx");
    EXPECT_EQ(pair.destination_repository("library/nginx"), "nginx");
    EXPECT_EQ(pair.destination_repository("bitnami/redis"), "bitnami/redis");
}

TEST(DestinationRepository, LibraryNamespaceOnlyConcernsDockerHub) {
    auto pair = plain_pair();
    pair.library_namespace = false;
    EXPECT_EQ(pair.destination_repository("library/nginx"), "library/nginx");
}

TEST(DestinationRepository, DockerHubRewriteSeesTheLibraryName) {
    auto pair = hub_pair();
    pair.library_namespace = false;
    pair.rewrites = {{"library/", "official/"}};
    EXPECT_EQ(pair.destination_repository("nginx"), "official/nginx");
}

TEST(DestinationRepository, DockerHubWithoutLibraryThenPrefix) {
    auto pair = hub_pair();
    pair.library_namespace = false;
    pair.prefix = "hub";
    EXPECT_EQ(pair.destination_repository("nginx"), "hub/nginx");
}

TEST(IsValidPlatform, AcceptsOsArchAndVariant) {
    EXPECT_TRUE(is_valid_platform("linux/amd64"));
    EXPECT_TRUE(is_valid_platform("linux/arm/v7"));
}

TEST(IsValidPlatform, RejectsOtherShapes) {
    for (const auto* text : {"", "linux", "linux/", "/amd64", "linux//v7", "a/b/c/d"}) {
        EXPECT_FALSE(is_valid_platform(text)) << text;
    }
}

TEST(ValidatePair, AcceptsACompletePair) {
    auto pair = hub_pair();
    pair.repositories = {"nginx", "team/app"};
    pair.prefix = "mirror";
    pair.tags.exact = {"1.25", "latest"};
    pair.platform = "linux/amd64";
    EXPECT_TRUE(validate_pair(pair));
}

TEST(ValidatePair, RejectsEmptySourceHost) {
    EXPECT_NE(validation_error(pair_between("", "b.example")).find("source host"),
              std::string::npos);
}

TEST(ValidatePair, RejectsEmptyDestinationHost) {
    EXPECT_NE(validation_error(pair_between("a.example", "")).find("destination host"),
              std::string::npos);
}

TEST(ValidatePair, RejectsInvalidExplicitRepository) {
    auto pair = plain_pair();
    pair.repositories = {"Team/App"};
    EXPECT_NE(validation_error(pair).find("\"Team/App\""), std::string::npos);
}

TEST(ValidatePair, RejectsExplicitRepositoryMappedToInvalidName) {
    auto pair = plain_pair();
    pair.repositories = {"team/app"};
    pair.rewrites = {{"team/", "Platform/"}};
    const auto message = validation_error(pair);
    EXPECT_NE(message.find("\"Platform/app\""), std::string::npos) << message;
}

TEST(ValidatePair, RejectsInvalidPrefix) {
    auto pair = plain_pair();
    pair.prefix = "mirror/";
    EXPECT_NE(validation_error(pair).find("prefix \"mirror/\""), std::string::npos);
}

TEST(ValidatePair, AcceptsNestedPrefix) {
    auto pair = plain_pair();
    pair.prefix = "mirror/old";
    EXPECT_TRUE(validate_pair(pair));
}

TEST(ValidatePair, RejectsEmptyRewriteSource) {
    auto pair = plain_pair();
    pair.rewrites = {{"", "x/"}};
    EXPECT_NE(validation_error(pair).find("rewrite"), std::string::npos);
}

TEST(ValidatePair, RejectsInvalidExplicitTag) {
    auto pair = plain_pair();
    pair.tags.exact = {"v1:2"};
    EXPECT_NE(validation_error(pair).find("\"v1:2\""), std::string::npos);
}

TEST(ValidatePair, RejectsMalformedPlatform) {
    auto pair = plain_pair();
    pair.platform = "amd64";
    EXPECT_NE(validation_error(pair).find("\"amd64\""), std::string::npos);
}

TEST(ValidatePair, RejectsIdentityCopyOntoTheSameRegistry) {
    const auto message = validation_error(pair_between("Registry.example", "registry.example"));
    EXPECT_NE(message.find("onto itself"), std::string::npos) << message;
}

TEST(ValidatePair, DockerHubAliasesAreTheSameRegistry) {
    EXPECT_NE(validation_error(pair_between("docker.io", "index.docker.io")).find("onto itself"),
              std::string::npos);
}

TEST(ValidatePair, AcceptsSameRegistryUnderAPrefix) {
    auto pair = pair_between("registry.example", "registry.example");
    pair.prefix = "copy";
    EXPECT_TRUE(validate_pair(pair));
}

TEST(SelectsRepository, SearchMatchesAnywhereInTheName) {
    auto pair = plain_pair();
    pair.repository_searches = {compile_basic_regex("app", "test").value()};
    EXPECT_TRUE(pair.selects_repository("team/app-1"));
    EXPECT_TRUE(pair.selects_repository("webapp"));
    EXPECT_FALSE(pair.selects_repository("team/db"));
}

TEST(SelectsRepository, SearchAnchorsOnlyWhereTheRegexSays) {
    auto pair = plain_pair();
    pair.repository_searches = {compile_basic_regex("^lib.*", "test").value()};
    EXPECT_TRUE(pair.selects_repository("libs/ssl"));
    EXPECT_FALSE(pair.selects_repository("team/libs"));
}

TEST(SelectsRepository, SearchOnDockerHubMayMatchTheShortName) {
    auto pair = hub_pair();
    pair.repository_searches = {compile_basic_regex("^nginx$", "test").value()};
    EXPECT_TRUE(pair.selects_repository("library/nginx"));
}

TEST(SelectsRepository, PatternAndSearchMustBothHold) {
    auto pair = plain_pair();
    pair.repository_patterns = {regex("team/.*")};
    pair.repository_searches = {compile_basic_regex("db", "test").value()};
    EXPECT_TRUE(pair.selects_repository("team/db"));
    EXPECT_FALSE(pair.selects_repository("team/app"));
    EXPECT_FALSE(pair.selects_repository("other/db"));
}

TEST(SelectsRepository, HubOrganizationSelectsOnlyItsRepositories) {
    auto pair = hub_pair();
    pair.hub_organization = "acme";
    EXPECT_TRUE(pair.selects_repository("acme/app"));
    EXPECT_FALSE(pair.selects_repository("acmeco/app"));
    EXPECT_FALSE(pair.selects_repository("nginx"));
}

TEST(SelectsRepository, HubOrganizationIgnoredForOtherRegistries) {
    auto pair = plain_pair();
    pair.hub_organization = "acme";
    EXPECT_TRUE(pair.selects_repository("team/app"));
}

TEST(ValidatePair, RejectsAnInvalidHubOrganization) {
    auto pair = hub_pair();
    pair.hub_organization = "Acme Corp";
    EXPECT_NE(validation_error(pair).find("\"Acme Corp\""), std::string::npos);
}

TEST(ValidatePlan, RejectsAPlanWithoutPairs) {
    const auto valid = validate_plan({});
    ASSERT_FALSE(valid);
    EXPECT_EQ(valid.error().kind, ErrorKind::invalid_argument);
}

TEST(ValidatePlan, ErrorNamesThePairIndex) {
    SyncPlan plan{{plain_pair(), pair_between("a.example", "")}};
    const auto valid = validate_plan(plan);
    ASSERT_FALSE(valid);
    EXPECT_EQ(valid.error().message.rfind("sync[1]: ", 0), 0u) << valid.error().message;
}

TEST(ValidatePlan, AcceptsValidPairs) {
    EXPECT_TRUE(validate_plan(SyncPlan{{plain_pair(), hub_pair()}}));
}

}  // namespace
}  // namespace regmigrate::engine
