#include "registry/layout/oci_layout_index.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

const std::string digest_a = "sha256:" + std::string(64, 'a');
const std::string digest_b = "sha256:" + std::string(64, 'b');

OciLayoutEntry tagged(const std::string& digest, const std::string& tag) {
    OciLayoutEntry entry{"application/vnd.oci.image.manifest.v1+json", digest, 42, {}};
    entry.annotations.emplace(oci_ref_name_annotation, tag);
    return entry;
}

TEST(OciLayoutIndex, ParsesEntriesAndTheirRefNames) {
    const auto index = parse_oci_layout_index(R"({"schemaVersion":2,"manifests":[
        {"mediaType":"application/vnd.oci.image.index.v1+json","digest":")" +
                                              digest_a + R"(","size":7,
         "annotations":{"org.opencontainers.image.ref.name":"v1","other":"x"}}]})");
    ASSERT_TRUE(index) << index.error().message;
    ASSERT_EQ(index->manifests.size(), 1u);
    EXPECT_EQ(index->manifests[0].digest, digest_a);
    EXPECT_EQ(index->manifests[0].size, 7u);
    EXPECT_EQ(index->manifests[0].ref_name(), "v1");
    EXPECT_EQ(index->manifests[0].annotations.at("other"), "x");
}

TEST(OciLayoutIndex, IndexWithoutManifestsIsEmpty) {
    const auto index = parse_oci_layout_index(R"({"schemaVersion":2})");
    ASSERT_TRUE(index);
    EXPECT_TRUE(index->manifests.empty());
}

TEST(OciLayoutIndex, RefusesSchemaVersionOtherThanTwo) {
    EXPECT_FALSE(parse_oci_layout_index(R"({"schemaVersion":1,"manifests":[]})"));
}

TEST(OciLayoutIndex, RefusesEntryWhoseDigestIsNotValid) {
    EXPECT_FALSE(parse_oci_layout_index(
        R"({"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"sha256:../x","size":1}]})"));
}

TEST(OciLayoutIndex, RefusesEntryWithoutSize) {
    EXPECT_FALSE(parse_oci_layout_index(R"({"schemaVersion":2,"manifests":[{"mediaType":"m",
        "digest":")" + digest_a + R"("}]})"));
}

TEST(OciLayoutIndex, SerializedIndexParsesBackToTheSameEntries) {
    OciLayoutIndex index;
    index.put(tagged(digest_a, "v1"));
    index.put({"application/vnd.oci.image.manifest.v1+json", digest_b, 9, {}});
    const auto parsed = parse_oci_layout_index(serialize_oci_layout_index(index));
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->manifests.size(), 2u);
    EXPECT_EQ(parsed->manifests[0].ref_name(), "v1");
    EXPECT_EQ(parsed->manifests[0].size, 42u);
    EXPECT_EQ(parsed->manifests[1].digest, digest_b);
    EXPECT_TRUE(parsed->manifests[1].annotations.empty());
}

TEST(OciLayoutIndex, SerializedIndexIsAnOciImageIndex) {
    const std::string json = serialize_oci_layout_index({});
    EXPECT_NE(json.find(R"("schemaVersion":2)"), std::string::npos);
    EXPECT_NE(json.find(R"("mediaType":"application/vnd.oci.image.index.v1+json")"),
              std::string::npos);
}

TEST(OciLayoutIndex, PutReplacesTheEntryOfTheSameRefName) {
    OciLayoutIndex index;
    index.put(tagged(digest_a, "v1"));
    index.put(tagged(digest_a, "v2"));
    index.put(tagged(digest_b, "v1"));
    ASSERT_EQ(index.manifests.size(), 2u);
    EXPECT_EQ(index.find("v1")->digest, digest_b);
    EXPECT_EQ(index.find("v2")->digest, digest_a);
    EXPECT_EQ(index.ref_names(), (std::vector<std::string>{"v1", "v2"}));
}

TEST(OciLayoutIndex, PutAddsAnUntaggedDigestOnce) {
    OciLayoutIndex index;
    index.put({"m", digest_a, 1, {}});
    index.put({"m", digest_a, 1, {}});
    EXPECT_EQ(index.manifests.size(), 1u);
    EXPECT_TRUE(index.ref_names().empty());
}

TEST(OciLayoutIndex, FindIgnoresUntaggedEntries) {
    OciLayoutIndex index;
    index.put({"m", digest_a, 1, {}});
    EXPECT_EQ(index.find(""), nullptr);
    EXPECT_EQ(index.find("latest"), nullptr);
}

TEST(OciLayoutMarker, IsVersionOnePointZero) {
    EXPECT_EQ(oci_layout_marker(), R"({"imageLayoutVersion":"1.0.0"})");
    EXPECT_TRUE(check_oci_layout_marker(oci_layout_marker()));
}

TEST(OciLayoutMarker, RefusesAnotherVersion) {
    EXPECT_FALSE(check_oci_layout_marker(R"({"imageLayoutVersion":"2.0.0"})"));
    EXPECT_FALSE(check_oci_layout_marker("{}"));
}

}  // namespace
}  // namespace regmigrate::registry
