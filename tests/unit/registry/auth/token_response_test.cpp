#include "registry/auth/token_response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

using std::chrono::seconds;

TokenResponse parsed(std::string_view json) {
    auto result = parse_token_response(json);
    EXPECT_TRUE(result) << json << ": " << (result ? "" : result.error().message);
    return result ? *result : TokenResponse{};
}

void expect_refused(std::string_view json) {
    auto result = parse_token_response(json);
    ASSERT_FALSE(result) << json << " was accepted";
    EXPECT_EQ(result.error().kind, ErrorKind::protocol);
}

TEST(TokenResponse, ReadsTokenAndLifetime) {
    const auto response =
        parsed(R"({"token":"abc","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"})");
    EXPECT_EQ(response.token, "abc");
    EXPECT_EQ(response.expires_in, seconds(300));
}

TEST(TokenResponse, AcceptsAccessTokenAlone) {
    EXPECT_EQ(parsed(R"({"access_token":"oauth"})").token, "oauth");
}

TEST(TokenResponse, PrefersTokenOverAccessToken) {
    EXPECT_EQ(parsed(R"({"access_token":"second","token":"first"})").token, "first");
}

TEST(TokenResponse, FallsBackToAccessTokenWhenTokenIsEmpty) {
    EXPECT_EQ(parsed(R"({"token":"","access_token":"oauth"})").token, "oauth");
}

TEST(TokenResponse, DefaultLifetimeIsSixtySeconds) {
    EXPECT_EQ(parsed(R"({"token":"t"})").expires_in, seconds(60));
}

TEST(TokenResponse, LifetimeBelowSixtyIsTakenAsTheServerSaysIt) {
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":2})").expires_in, seconds(2));
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":10})").expires_in, seconds(10));
}

TEST(TokenResponse, LifetimeBelowOneSecondIsRaisedToOne) {
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":0})").expires_in, seconds(1));
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":-5})").expires_in, seconds(1));
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":0.5})").expires_in, seconds(1));
}

TEST(TokenResponse, HugeLifetimeIsCapped) {
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":18446744073709551615})").expires_in,
              max_token_lifetime);
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":1e300})").expires_in, max_token_lifetime);
}

TEST(TokenResponse, FractionalLifetimeIsTruncated) {
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":90.9})").expires_in, seconds(90));
}

TEST(TokenResponse, NullLifetimeMeansDefault) {
    EXPECT_EQ(parsed(R"({"token":"t","expires_in":null})").expires_in, seconds(60));
}

TEST(TokenResponse, RefusesMissingToken) {
    expect_refused(R"({"expires_in":300})");
    expect_refused(R"({"token":"","access_token":""})");
}

TEST(TokenResponse, RefusesNonStringToken) {
    expect_refused(R"({"token":42})");
    expect_refused(R"({"token":"ok","access_token":{}})");
}

TEST(TokenResponse, RefusesNonNumericLifetime) {
    expect_refused(R"({"token":"t","expires_in":"300"})");
}

TEST(TokenResponse, RefusesNonObjectAndBrokenJson) {
    expect_refused("[]");
    expect_refused(R"("token")");
    expect_refused(R"({"token":"t")");
    expect_refused("");
    expect_refused("<html>502 Bad Gateway</html>");
}

TEST(TokenResponse, RefusesOversizedBody) {
    const std::string json = R"({"token":")" + std::string(2 * 1024 * 1024, 'a') + R"("})";
    auto result = parse_token_response(json);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::too_large);
}

}  // namespace
}  // namespace regmigrate::registry
