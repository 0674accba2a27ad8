// The plan's `hub` key and what it makes of a source: Hub listing for an organization, and
// a Hub stand-in (hub.api) named like Docker Hub whatever its host.
#include "engine/plan/plan_yaml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::engine {
namespace {

SyncPair pair_of(const std::string& entry) {
    const auto plan = parse_plan_yaml("sync:\n" + entry, "PLAN.yaml");
    EXPECT_TRUE(plan) << (plan ? "" : plan.error().message);
    return plan ? plan->pairs.at(0) : SyncPair{};
}

std::string error_of(const std::string& entry) {
    const auto plan = parse_plan_yaml("sync:\n" + entry, "PLAN.yaml");
    EXPECT_FALSE(plan);
    return plan ? "" : plan.error().message;
}

TEST(HubPlan, OrganizationOnDockerHubUsesHubsApi) {
    const auto pair =
        pair_of("  - from: docker.io\n    to: new.example\n    hub: { organization: acme }\n");
    EXPECT_EQ(pair.hub_organization, "acme");
    EXPECT_TRUE(pair.hub_api.empty());
    EXPECT_TRUE(pair.source_is_docker_hub());
}

TEST(HubPlan, ApiMarksAnotherHostAsAHubStandIn) {
    const auto pair = pair_of(
        "  - from: 127.0.0.1:5000\n    to: new.example\n"
        "    hub: { organization: library, api: 'http://127.0.0.1:8080' }\n"
        "    library_namespace: false\n");
    EXPECT_EQ(pair.hub_api, "http://127.0.0.1:8080");
    EXPECT_TRUE(pair.source_is_docker_hub());
    EXPECT_EQ(pair.source_repository("nginx"), "library/nginx");
    EXPECT_EQ(pair.destination_repository("library/nginx"), "nginx");
}

TEST(HubPlan, ShortRepositoryNamesOfAStandInAreOfficialImages) {
    const auto pair = pair_of(
        "  - from: 127.0.0.1:5000\n    to: new.example\n"
        "    hub: { organization: library, api: 'http://127.0.0.1:8080' }\n"
        "    repositories: [nginx]\n");
    EXPECT_EQ(pair.source_repository(pair.repositories.at(0)), "library/nginx");
}

TEST(HubPlan, WithoutHubAnOrdinaryRegistryKeepsNamesAsGiven) {
    const auto pair = pair_of("  - from: 127.0.0.1:5000\n    to: new.example\n");
    EXPECT_FALSE(pair.source_is_docker_hub());
    EXPECT_EQ(pair.source_repository("nginx"), "nginx");
}

TEST(HubPlan, ANonHubSourceNeedsTheApi) {
    EXPECT_EQ(error_of("  - from: 127.0.0.1:5000\n    to: new.example\n"
                       "    hub: { organization: acme }\n"),
              "PLAN.yaml line 4: \"sync[0].hub\" needs \"api\" when the source is not Docker Hub");
}

TEST(HubPlan, OrganizationIsRequired) {
    EXPECT_NE(error_of("  - from: docker.io\n    to: new.example\n    hub: { api: 'http://x' }\n")
                  .find("needs \"organization\""),
              std::string::npos);
}

TEST(HubPlan, RefusesAnOrganizationThatIsNotOneNamespace) {
    EXPECT_NE(error_of("  - from: docker.io\n    to: new.example\n"
                       "    hub: { organization: acme/team }\n")
                  .find("\"sync[0].hub.organization\""),
              std::string::npos);
}

TEST(HubPlan, RefusesAnApiThatIsNotAnHttpUrl) {
    EXPECT_NE(error_of("  - from: docker.io\n    to: new.example\n"
                       "    hub: { organization: acme, api: hub.example }\n")
                  .find("\"sync[0].hub.api\""),
              std::string::npos);
}

TEST(HubPlan, UnknownKeysUnderHubAreRefused) {
    EXPECT_NE(error_of("  - from: docker.io\n    to: new.example\n"
                       "    hub: { organization: acme, org: x }\n")
                  .find("unknown key \"org\""),
              std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
