#include "registry/content/digest.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

const std::string hex64(64, 'a');

TEST(Digest, AcceptsSha256WithSixtyFourLowercaseHex) {
    EXPECT_TRUE(
        is_valid_digest("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(Digest, RejectsSha256WithUppercaseHex) {
    EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'A')));
}

TEST(Digest, RejectsSha256OfWrongLength) {
    EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, 'a')));
    EXPECT_FALSE(is_valid_digest("sha256:" + std::string(65, 'a')));
}

TEST(Digest, RejectsSha256WithNonHexCharacters) {
    EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, 'a') + "g"));
}

TEST(Digest, AcceptsSha512WithOneHundredTwentyEightHex) {
    EXPECT_TRUE(is_valid_digest("sha512:" + std::string(128, '0')));
    EXPECT_FALSE(is_valid_digest("sha512:" + hex64));
}

TEST(Digest, AcceptsUnregisteredAlgorithmMatchingOciGrammar) {
    EXPECT_TRUE(is_valid_digest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
    EXPECT_TRUE(is_valid_digest("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"));
}

TEST(Digest, RejectsMissingAlgorithmOrEncodedPart) {
    EXPECT_FALSE(is_valid_digest(":" + hex64));
    EXPECT_FALSE(is_valid_digest("sha256:"));
    EXPECT_FALSE(is_valid_digest("foo:"));
    EXPECT_FALSE(is_valid_digest(hex64));
    EXPECT_FALSE(is_valid_digest(""));
}

TEST(Digest, RejectsMalformedAlgorithmSeparators) {
    EXPECT_FALSE(is_valid_digest("sha256+:abc"));
    EXPECT_FALSE(is_valid_digest("+sha256:abc"));
    EXPECT_FALSE(is_valid_digest("SHA256:abc"));
}

TEST(Digest, RejectsPathCharactersInEncodedPart) {
    EXPECT_FALSE(is_valid_digest("foo:../../etc/passwd"));
    EXPECT_FALSE(is_valid_digest("foo:a/b"));
}

TEST(Digest, ValidateReturnsTheDigestUnchanged) {
    const auto digest = "sha256:" + hex64;
    auto result = validate_digest(digest);
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, digest);
}

TEST(Digest, ValidateErrorNamesTheBadDigest) {
    auto result = validate_digest("sha256:nothex");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(result.error().message.find("\"sha256:nothex\""), std::string::npos);
}

TEST(Digest, ValidateErrorDoesNotEchoHugeInput) {
    auto result = validate_digest(std::string(100000, 'x'));
    ASSERT_FALSE(result);
    EXPECT_LT(result.error().message.size(), 300u);
}

}  // namespace
}  // namespace regmigrate::registry
