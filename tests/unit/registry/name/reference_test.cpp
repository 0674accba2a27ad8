#include "registry/name/reference.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

const std::string digest = "sha256:" + std::string(64, 'b');

Reference parsed(std::string_view text) {
    auto result = parse_reference(text);
    EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
    return result ? *result : Reference{};
}

std::string failure(std::string_view text) {
    auto result = parse_reference(text);
    EXPECT_FALSE(result) << text << " was accepted";
    if (result) {
        return {};
    }
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    return result.error().message;
}

TEST(Reference, SingleNameIsAnOfficialDockerHubImage) {
    const auto ref = parsed("nginx");
    EXPECT_EQ(ref.registry, "registry-1.docker.io");
    EXPECT_EQ(ref.repository, "library/nginx");
    EXPECT_EQ(ref.tag, "");
    EXPECT_EQ(ref.digest, "");
}

TEST(Reference, TwoComponentNameWithoutDotIsOnDockerHub) {
    const auto ref = parsed("bitnami/redis:7.2");
    EXPECT_EQ(ref.registry, "registry-1.docker.io");
    EXPECT_EQ(ref.repository, "bitnami/redis");
    EXPECT_EQ(ref.tag, "7.2");
}

TEST(Reference, DockerIoAliasesNormaliseToTheApiHost) {
    EXPECT_EQ(parsed("docker.io/nginx").registry, "registry-1.docker.io");
    EXPECT_EQ(parsed("index.docker.io/library/nginx").registry, "registry-1.docker.io");
    EXPECT_EQ(parsed("docker.io/nginx").repository, "library/nginx");
}

TEST(Reference, HostWithPortKeepsPortAndNoTag) {
    const auto ref = parsed("localhost:5000/team/app");
    EXPECT_EQ(ref.registry, "localhost:5000");
    EXPECT_EQ(ref.repository, "team/app");
    EXPECT_EQ(ref.tag, "");
}

TEST(Reference, HostWithPortAndTag) {
    const auto ref = parsed("registry.example.com:443/app:v1");
    EXPECT_EQ(ref.registry, "registry.example.com:443");
    EXPECT_EQ(ref.repository, "app");
    EXPECT_EQ(ref.tag, "v1");
}

TEST(Reference, LocalhostWithoutPortIsAHost) {
    const auto ref = parsed("localhost/app");
    EXPECT_EQ(ref.registry, "localhost");
    EXPECT_EQ(ref.repository, "app");
}

TEST(Reference, SingleNameIsNotPrefixedWithLibraryOutsideDockerHub) {
    EXPECT_EQ(parsed("127.0.0.1:5000/nginx").repository, "nginx");
}

TEST(Reference, DigestOnly) {
    const auto ref = parsed("quay.io/org/app@" + digest);
    EXPECT_EQ(ref.digest, digest);
    EXPECT_EQ(ref.tag, "");
    EXPECT_EQ(ref.identifier(), digest);
}

TEST(Reference, TagAndDigestTogether) {
    const auto ref = parsed("quay.io/org/app:1.0@" + digest);
    EXPECT_EQ(ref.tag, "1.0");
    EXPECT_EQ(ref.digest, digest);
    EXPECT_EQ(ref.identifier(), digest);
}

TEST(Reference, IdentifierIsTagWithoutDigest) {
    EXPECT_EQ(parsed("a.io/b:c").identifier(), "c");
}

TEST(Reference, BracketedIpv6HostWithPort) {
    const auto ref = parsed("[::1]:5000/app:t");
    EXPECT_EQ(ref.registry, "[::1]:5000");
    EXPECT_EQ(ref.repository, "app");
    EXPECT_EQ(ref.tag, "t");
}

TEST(Reference, HostIsLowercased) {
    EXPECT_EQ(parsed("Registry.Example.COM/app").registry, "registry.example.com");
}

TEST(Reference, ToStringRoundTrips) {
    const std::string text = "localhost:5000/a/b:tag@" + digest;
    EXPECT_EQ(parsed(text).to_string(), text);
    EXPECT_EQ(parsed("nginx").to_string(), "registry-1.docker.io/library/nginx");
}

TEST(Reference, RepositorySeparatorsAreAccepted) {
    EXPECT_EQ(parsed("a.io/a.b_c__d---e/f").repository, "a.b_c__d---e/f");
}

TEST(Reference, RejectsEmptyText) {
    EXPECT_NE(failure("").find("empty"), std::string::npos);
}

TEST(Reference, RejectsUppercaseRepositoryNamingTheFault) {
    const auto message = failure("localhost:5000/MyApp");
    EXPECT_NE(message.find("invalid reference \"localhost:5000/MyApp\""), std::string::npos);
    EXPECT_NE(message.find("must be lowercase"), std::string::npos);
}

TEST(Reference, UppercaseFirstComponentWithoutDotIsARepositoryNotAHost) {
    EXPECT_NE(failure("Foo/bar").find("must be lowercase"), std::string::npos);
}

TEST(Reference, RejectsParentDirectoryComponent) {
    EXPECT_NE(failure("localhost:5000/../x").find("\"..\""), std::string::npos);
    EXPECT_NE(failure("localhost:5000/a/../b").find("\"..\""), std::string::npos);
    EXPECT_NE(failure("../x").find("\"..\""), std::string::npos);
}

TEST(Reference, RejectsCurrentDirectoryComponent) {
    failure("localhost:5000/a/./b");
}

TEST(Reference, RejectsEmptyPathComponents) {
    EXPECT_NE(failure("localhost:5000/a//b").find("empty path component"), std::string::npos);
    failure("localhost:5000/");
    failure("localhost:5000/a/");
    failure("/a");
}

TEST(Reference, RejectsLeadingOrTrailingSeparatorsInComponents) {
    failure("a.io/-app");
    failure("a.io/app-");
    failure("a.io/_app");
    failure("a.io/app.");
    failure("a.io/a___b");
    failure("a.io/a..b");
}

TEST(Reference, RejectsInvalidTag) {
    EXPECT_NE(failure("a.io/app:-bad").find("invalid tag"), std::string::npos);
    failure("a.io/app:");
    failure("a.io/app:" + std::string(129, 'a'));
}

TEST(Reference, AcceptsLongestTag) {
    EXPECT_EQ(parsed("a.io/app:" + std::string(128, 'a')).tag.size(), 128u);
}

TEST(Reference, RejectsInvalidDigest) {
    EXPECT_NE(failure("a.io/app@sha256:abc").find("invalid digest"), std::string::npos);
    failure("a.io/app@");
    failure("a.io/app@sha256:" + std::string(64, 'B'));
}

TEST(Reference, RejectsNameLongerThan255) {
    const std::string repo(251, 'a');
    EXPECT_NE(failure("a.io/" + repo).find("255"), std::string::npos);
}

TEST(Reference, AcceptsNameOfExactly255) {
    const std::string repo(250, 'a');
    EXPECT_EQ(parsed("a.io/" + repo).repository, repo);
}

TEST(Reference, LibraryPrefixThatWouldOverflowTheLimitIsRejected) {
    failure(std::string(250, 'a'));
}

// Found by tests/fuzz/reference_fuzz: 247 characters fit, but
// "registry-1.docker.io/library/" + 247 characters does not parse again.
TEST(Reference, HubNameOverTheLimitOnceNormalisedIsRejected) {
    const std::string repo(247, 'a');
    EXPECT_NE(failure(repo).find("once normalised"), std::string::npos);
}

TEST(Reference, HubNameAtTheLimitOnceNormalisedRoundTrips) {
    const auto ref = parsed(std::string(255 - 29, 'a'));
    EXPECT_EQ(ref.to_string().size(), 255u);
    EXPECT_EQ(parsed(ref.to_string()).repository, ref.repository);
}

TEST(Reference, RejectsInvalidHosts) {
    EXPECT_NE(failure("-bad.io/app").find("invalid registry host"), std::string::npos);
    failure("bad-.io/app");
    failure("a..io/app");
    failure("a.io:/app");
    failure("a.io:99999/app");
    failure("a.io:0/app");
    failure("a.io:5000x/app");
    failure("[::1/app");
    failure("[zz]/app");
}

TEST(Reference, RejectsSpacesAndControlCharacters) {
    failure("a.io/app name");
    failure("a.io/app\n");
    failure(" nginx");
}

TEST(Reference, ErrorMessageDoesNotEchoHugeInput) {
    EXPECT_LT(failure(std::string(100000, 'A')).size(), 500u);
}

TEST(ReferenceRepository, ValidatesOciGrammar) {
    EXPECT_TRUE(is_valid_repository("a"));
    EXPECT_TRUE(is_valid_repository("a0/b-c/d_e/f.g/h__i"));
    EXPECT_FALSE(is_valid_repository(""));
    EXPECT_FALSE(is_valid_repository("A"));
    EXPECT_FALSE(is_valid_repository("a/"));
    EXPECT_FALSE(is_valid_repository("a/../b"));
    EXPECT_FALSE(is_valid_repository("a:b"));
    EXPECT_TRUE(is_valid_repository(std::string(255, 'a')));
    EXPECT_FALSE(is_valid_repository(std::string(256, 'a')));
}

TEST(ReferenceTag, ValidatesTagGrammar) {
    EXPECT_TRUE(is_valid_tag("latest"));
    EXPECT_TRUE(is_valid_tag("_under"));
    EXPECT_TRUE(is_valid_tag("V1.2-rc_3"));
    EXPECT_FALSE(is_valid_tag(".hidden"));
    EXPECT_FALSE(is_valid_tag("-dash"));
    EXPECT_FALSE(is_valid_tag("a/b"));
    EXPECT_FALSE(is_valid_tag("a+b"));
    EXPECT_FALSE(is_valid_tag(""));
}

TEST(ReferenceHost, DockerHubDetectionIsCaseInsensitive) {
    EXPECT_TRUE(is_docker_hub("registry-1.docker.io"));
    EXPECT_TRUE(is_docker_hub("Docker.IO"));
    EXPECT_TRUE(is_docker_hub("index.docker.io"));
    EXPECT_FALSE(is_docker_hub("docker.io.evil.com"));
    EXPECT_FALSE(is_docker_hub("localhost:5000"));
}

TEST(ReferenceHost, NormalisesOnlyDockerHubAliases) {
    EXPECT_EQ(normalize_registry_host("docker.io"), "registry-1.docker.io");
    EXPECT_EQ(normalize_registry_host("index.docker.io"), "registry-1.docker.io");
    EXPECT_EQ(normalize_registry_host("quay.io"), "quay.io");
}

TEST(ReferenceRepositoryNormalisation, AddsLibraryOnlyForSingleComponentOnHub) {
    EXPECT_EQ(normalize_repository("docker.io", "nginx"), "library/nginx");
    EXPECT_EQ(normalize_repository("registry-1.docker.io", "org/app"), "org/app");
    EXPECT_EQ(normalize_repository("quay.io", "nginx"), "nginx");
    EXPECT_EQ(normalize_repository("docker.io", "nginx", false), "nginx");
}

// ---- the one check for names read from outside ----

TEST(CheckTag, ValidTagPasses) {
    EXPECT_TRUE(check_tag("v1.2-rc_3", "index.json"));
}

TEST(CheckTag, StrayPercentIsAnErrorNamingTheSourceAndTheTag) {
    const auto checked = check_tag("v1%", "oci:/backup/app index.json");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(checked.error().message.find("oci:/backup/app index.json"), std::string::npos);
    EXPECT_NE(checked.error().message.find("v1%"), std::string::npos);
}

TEST(CheckTag, FullReferenceIsNoTag) {
    EXPECT_FALSE(check_tag("docker.io/library/alpine:3.19", "index.json"));
}

TEST(CheckRepository, UppercaseIsAnErrorNamingTheSource) {
    const auto checked = check_repository("Team/App", "plan.yaml");
    ASSERT_FALSE(checked);
    EXPECT_NE(checked.error().message.find("plan.yaml"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::registry
