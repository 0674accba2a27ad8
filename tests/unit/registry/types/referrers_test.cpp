#include "registry/types/referrers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace regmigrate::registry {
namespace {

const std::string subject_hex(64, 'a');
const std::string subject = "sha256:" + subject_hex;
const std::string signature_digest = "sha256:" + std::string(64, 'b');
const std::string sbom_digest = "sha256:" + std::string(64, 'c');

std::string descriptor(const std::string& digest, const std::string& artifact_type) {
    return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":512,"digest":")" +
           digest + R"(","artifactType":")" + artifact_type +
           R"(","annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}})";
}

std::string referrers_index(const std::vector<std::string>& descriptors) {
    std::string manifests;
    for (const auto& entry : descriptors)
        manifests += (manifests.empty() ? "" : ",") + entry;
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
           R"("manifests":[)" +
           manifests + "]}";
}

constexpr const char* oci_index_type = "application/vnd.oci.image.index.v1+json";

TEST(ParseReferrers, ReadsEachReferrerWithItsArtifactType) {
    auto parsed = parse_referrers(referrers_index({descriptor(signature_digest, "application/sig"),
                                                   descriptor(sbom_digest, "application/spdx")}),
                                  oci_index_type);
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 2u);
    EXPECT_EQ((*parsed)[0].digest, signature_digest);
    EXPECT_EQ((*parsed)[0].artifact_type, "application/sig");
    EXPECT_EQ((*parsed)[1].digest, sbom_digest);
    EXPECT_EQ((*parsed)[1].size, 512u);
}

TEST(ParseReferrers, EmptyIndexMeansNoReferrers) {
    auto parsed = parse_referrers(referrers_index({}), oci_index_type);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(parsed->empty());
}

TEST(ParseReferrers, RefusesAnImageManifest) {
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":)" +
        descriptor(signature_digest, "x") + R"(,"layers":[]})";
    auto parsed = parse_referrers(manifest, "application/vnd.oci.image.manifest.v1+json");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::protocol);
    EXPECT_NE(parsed.error().message.find("not an OCI image index"), std::string::npos)
        << parsed.error().message;
}

TEST(ParseReferrers, RefusesADockerManifestList) {
    const std::string list =
        R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]})";
    EXPECT_FALSE(parse_referrers(list, ""));
}

TEST(ParseReferrers, RefusesMalformedJson) {
    auto parsed = parse_referrers("{\"manifests\": [", oci_index_type);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("referrers response"), std::string::npos)
        << parsed.error().message;
}

TEST(SelectByArtifactType, NoTypesKeepsEveryReferrer) {
    std::vector<Descriptor> all{{.digest = signature_digest, .artifact_type = "a"},
                                {.digest = sbom_digest, .artifact_type = "b"}};
    EXPECT_EQ(select_by_artifact_type(all, {}).size(), 2u);
}

TEST(SelectByArtifactType, KeepsOnlyListedTypesInOrder) {
    std::vector<Descriptor> all{{.digest = signature_digest, .artifact_type = "a"},
                                {.digest = sbom_digest, .artifact_type = "b"},
                                {.digest = subject, .artifact_type = "c"}};
    const auto kept = select_by_artifact_type(all, {"c", "a"});
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].digest, signature_digest);
    EXPECT_EQ(kept[1].digest, subject);
}

TEST(SelectByArtifactType, ReferrerWithoutArtifactTypeIsLeftOutByAFilter) {
    std::vector<Descriptor> all{{.digest = signature_digest}};
    EXPECT_TRUE(select_by_artifact_type(all, {"a"}).empty());
}

TEST(ReferrersTag, ReplacesTheColonWithADash) {
    EXPECT_EQ(referrers_tag(subject).value(), "sha256-" + subject_hex);
}

TEST(ReferrersTag, TruncatesTheEncodedPartTo64Characters) {
    const std::string hex(128, 'd');
    EXPECT_EQ(referrers_tag("sha512:" + hex).value(), "sha512-" + std::string(64, 'd'));
}

TEST(ReferrersTag, TruncatesTheAlgorithmTo32Characters) {
    const std::string algorithm(40, 'x');
    EXPECT_EQ(referrers_tag(algorithm + ":abc").value(), std::string(32, 'x') + "-abc");
}

TEST(ReferrersTag, RefusesAnInvalidDigest) {
    auto tag = referrers_tag("latest");
    ASSERT_FALSE(tag);
    EXPECT_EQ(tag.error().kind, ErrorKind::invalid_argument);
}

TEST(TagSchemaReferrers, FindsTheReferrersIndexTag) {
    const auto found = tag_schema_referrers(subject, {"latest", "sha256-" + subject_hex});
    EXPECT_EQ(found.index_tag, "sha256-" + subject_hex);
    EXPECT_TRUE(found.cosign_tags.empty());
}

TEST(TagSchemaReferrers, FindsCosignTagsInSignatureAttestationSbomOrder) {
    const std::string base = "sha256-" + subject_hex;
    const auto found =
        tag_schema_referrers(subject, {base + ".sbom", "v1", base + ".att", base + ".sig"});
    EXPECT_FALSE(found.index_tag);
    EXPECT_EQ(found.cosign_tags,
              (std::vector<std::string>{base + ".sig", base + ".att", base + ".sbom"}));
}

TEST(TagSchemaReferrers, IgnoresTagsOfOtherDigests) {
    const std::string other = "sha256-" + std::string(64, 'f');
    const auto found = tag_schema_referrers(
        subject, {other, other + ".sig", "sha256-" + subject_hex + ".unknown"});
    EXPECT_FALSE(found.index_tag);
    EXPECT_TRUE(found.cosign_tags.empty());
}

TEST(TagSchemaReferrers, InvalidSubjectHasNone) {
    const auto found = tag_schema_referrers("nonsense", {"nonsense", "nonsense.sig"});
    EXPECT_FALSE(found.index_tag);
    EXPECT_TRUE(found.cosign_tags.empty());
}

}  // namespace
}  // namespace regmigrate::registry
