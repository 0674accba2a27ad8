#include "registry/layout/oci_layout_reference.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

TEST(OciLayoutReference, TagFollowsTheLastColon) {
    const auto parsed = parse_oci_layout_reference("oci:/srv/images:v1.2");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->directory, "/srv/images");
    EXPECT_EQ(parsed->tag, "v1.2");
}

TEST(OciLayoutReference, WithoutTagNamesEveryTag) {
    const auto parsed = parse_oci_layout_reference("oci:relative/dir");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->directory, "relative/dir");
    EXPECT_EQ(parsed->tag, "");
}

TEST(OciLayoutReference, ColonInAParentDirectoryBelongsToTheDirectory) {
    const auto parsed = parse_oci_layout_reference("oci:/mnt/a:b/layout");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->directory, "/mnt/a:b/layout");
    EXPECT_EQ(parsed->tag, "");
}

TEST(OciLayoutReference, RefusesAnInvalidTag) {
    EXPECT_FALSE(parse_oci_layout_reference("oci:/srv/images:-bad"));
    EXPECT_FALSE(parse_oci_layout_reference("oci:/srv/images:"));
}

TEST(OciLayoutReference, RefusesAnEmptyDirectory) {
    EXPECT_FALSE(parse_oci_layout_reference("oci:"));
    EXPECT_FALSE(parse_oci_layout_reference("oci::latest"));
}

TEST(OciLayoutReference, OnlyTheOciSchemeIsALayout) {
    EXPECT_TRUE(is_oci_layout_reference("oci:/x"));
    EXPECT_FALSE(is_oci_layout_reference("localhost:5000/repo:tag"));
    EXPECT_FALSE(parse_oci_layout_reference("docker.io/library/nginx"));
}

TEST(OciLayoutReference, PrintsAsParsed) {
    EXPECT_EQ(parse_oci_layout_reference("oci:/srv/images:v1")->to_string(), "oci:/srv/images:v1");
    EXPECT_EQ(parse_oci_layout_reference("oci:/srv/images")->to_string(), "oci:/srv/images");
}

}  // namespace
}  // namespace regmigrate::registry
