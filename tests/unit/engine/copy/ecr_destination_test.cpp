#include "engine/copy/ecr_destination.hpp"
#include "engine/plan/plan_yaml.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

constexpr const char* kEcrHost = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

RegistrySide side(std::string host, std::optional<EcrSettings> ecr = std::nullopt) {
    RegistrySide result;
    result.host = std::move(host);
    result.ecr = std::move(ecr);
    return result;
}

registry::AwsSettings aws_in(std::string region) {
    registry::AwsSettings aws;
    aws.credentials = {"AKIDEXAMPLE", "secret", ""};
    aws.region = std::move(region);
    return aws;
}

TEST(EcrSettingsOf, AnEcrHostIsEcrWithoutSettings) {
    EXPECT_TRUE(ecr_settings_of(side(kEcrHost)));
}

TEST(EcrSettingsOf, AnyHostWithSettingsIsEcr) {
    EXPECT_TRUE(ecr_settings_of(side("127.0.0.1:5000", EcrSettings{.endpoint = "http://x"})));
}

TEST(EcrSettingsOf, OtherHostsAreNot) {
    EXPECT_FALSE(ecr_settings_of(side("registry.example")));
}

TEST(EcrApiOptions, RegionOfTheSettingsComesFirst) {
    const auto api =
        ecr_api_options(side(kEcrHost), EcrSettings{.region = "us-west-2"}, aws_in("ap-south-1"));
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(api->region, "us-west-2");
}

TEST(EcrApiOptions, RegionOfTheHostBeatsTheAwsSettings) {
    const auto api = ecr_api_options(side(kEcrHost), {}, aws_in("ap-south-1"));
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(api->region, "eu-west-1");
    EXPECT_EQ(api->endpoint, registry::ecr_api_endpoint("eu-west-1"));
}

TEST(EcrApiOptions, AwsSettingsNameTheRegionOfAnotherHost) {
    const auto api = ecr_api_options(side("127.0.0.1:5000"), {}, aws_in("ap-south-1"));
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(api->region, "ap-south-1");
}

TEST(EcrApiOptions, NoRegionAnywhereIsAUsageErrorNamingWhatToSet) {
    const auto api = ecr_api_options(side("127.0.0.1:5000"), {}, aws_in(""));
    ASSERT_FALSE(api);
    EXPECT_EQ(api.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(api.error().message.find("AWS_REGION"), std::string::npos) << api.error().message;
}

TEST(EcrApiOptions, RegionThatCannotNameAHostIsAUsageErrorNotAThrow) {
    const auto api = ecr_api_options(side("127.0.0.1:5000"), {}, aws_in("eu west%1"));
    ASSERT_FALSE(api);
    EXPECT_EQ(api.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(api.error().message.find("eu west%1"), std::string::npos) << api.error().message;
}

TEST(EcrApiOptions, GivenEndpointIsUsedAsIs) {
    const auto api = ecr_api_options(
        side("127.0.0.1:5000"), EcrSettings{.endpoint = "http://127.0.0.1:9000/"}, aws_in("r"));
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(std::string(api->endpoint.buffer()), "http://127.0.0.1:9000/");
}

TEST(EcrApiOptions, EndpointWithoutAPathPostsToTheRoot) {
    const auto api = ecr_api_options(side("127.0.0.1:5000"),
                                     EcrSettings{.endpoint = "http://127.0.0.1:9000"}, aws_in("r"));
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(std::string(api->endpoint.buffer()), "http://127.0.0.1:9000/");
}

TEST(EcrApiOptions, EndpointThatIsNotAnHttpUrlIsRefused) {
    const auto api = ecr_api_options(side("127.0.0.1:5000"),
                                     EcrSettings{.endpoint = "ftp://127.0.0.1/"}, aws_in("r"));
    ASSERT_FALSE(api);
    EXPECT_EQ(api.error().kind, ErrorKind::invalid_argument);
}

TEST(EcrApiOptions, SecretIsNeverInTheErrors) {
    auto aws = aws_in("");
    aws.credentials.secret_access_key = "Very-Secret-Key";
    const auto api = ecr_api_options(side("127.0.0.1:5000"), {}, aws);
    ASSERT_FALSE(api);
    EXPECT_EQ(api.error().message.find("Very-Secret-Key"), std::string::npos);
}

TEST(EcrPlan, EcrKeyMakesARegistryEcrWithItsRepositorySettings) {
    const auto plan = parse_plan_yaml(R"(
registries:
  dest:
    host: 127.0.0.1:5000
    ecr:
      endpoint: http://127.0.0.1:9000
      region: eu-west-1
      create_repositories: {tag_mutability: IMMUTABLE, scan_on_push: true}
sync:
  - {from: 127.0.0.1:6000, to: dest}
)",
                                      "plan.yaml");
    ASSERT_TRUE(plan) << plan.error().message;
    const auto ecr = ecr_settings_of(plan->pairs[0].destination);
    ASSERT_TRUE(ecr);
    EXPECT_EQ(ecr->endpoint, "http://127.0.0.1:9000");
    EXPECT_EQ(ecr->region, "eu-west-1");
    EXPECT_EQ(ecr->create_repositories.image_tag_mutability, "IMMUTABLE");
    EXPECT_EQ(ecr->create_repositories.scan_on_push, true);
    EXPECT_FALSE(ecr->create_repositories.encryption_type);
}

TEST(EcrPlan, RepositorySettingsEcrWouldRefuseAreRefusedWithTheirLine) {
    const auto plan = parse_plan_yaml(R"(
registries:
  dest:
    host: 127.0.0.1:5000
    ecr:
      create_repositories: {tag_mutability: SOMETIMES}
sync:
  - {from: 127.0.0.1:6000, to: dest}
)",
                                      "plan.yaml");
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("plan.yaml line 6"), std::string::npos)
        << plan.error().message;
    EXPECT_NE(plan.error().message.find("MUTABLE or IMMUTABLE"), std::string::npos)
        << plan.error().message;
}

TEST(EcrPlan, UnknownKeyUnderEcrIsRefused) {
    const auto plan = parse_plan_yaml(R"(
registries:
  dest: {host: 127.0.0.1:5000, ecr: {regoin: eu-west-1}}
sync:
  - {from: 127.0.0.1:6000, to: dest}
)",
                                      "plan.yaml");
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().message.find("unknown key \"regoin\""), std::string::npos)
        << plan.error().message;
}

}  // namespace
}  // namespace regmigrate::engine
