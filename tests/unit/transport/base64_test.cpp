// base64 and base64url on OpenSSL: round trips, and input that is no base64.
#include "transport/base64.hpp"

#include <gtest/gtest.h>

namespace regmigrate {
namespace {

TEST(Base64, RoundTripsEveryPaddingLength) {
    for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        const auto decoded = base64_decode(base64_encode(bytes));
        ASSERT_TRUE(decoded) << bytes;
        EXPECT_EQ(*decoded, bytes);
    }
}

TEST(Base64, KnownVectorsOfRfc4648) {
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
}

TEST(Base64, UnpaddedLengthIsRefused) {
    EXPECT_FALSE(base64_decode("Zm9vYg"));
}

TEST(Base64, MoreThanTwoPaddingCharactersAreRefusedNotAThrow) {
    // Padding longer than the decoded bytes once made the result's length wrap around.
    for (const char* text : {"====", "A===", "Zm9v===="})
        EXPECT_FALSE(base64_decode(text)) << text;
}

TEST(Base64Url, UnpaddedSegmentsOfAJwsDecode) {
    EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
}

TEST(Base64Url, TheOtherAlphabetAndImpossibleLengthsAreRefused) {
    EXPECT_FALSE(base64url_decode("+/8"));
    EXPECT_FALSE(base64url_decode("Zm9vY"));  // 4n+1 characters
    EXPECT_FALSE(base64url_decode("=="));     // padding alone
}

}  // namespace
}  // namespace regmigrate
