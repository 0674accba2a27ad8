#include "registry/auth/authenticator.hpp"

#include <boost/url/parse.hpp>

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

bool may_send_to(std::string_view realm) {
    auto url = boost::urls::parse_absolute_uri(realm);
    EXPECT_TRUE(url) << realm;
    return url && may_send_credentials(*url);
}

TEST(MaySendCredentials, HttpsRealmOnAnyHostMayReceiveThem) {
    EXPECT_TRUE(may_send_to("https://auth.example.com/token"));
}

TEST(MaySendCredentials, HttpsRealmOnAnIpAddressMayReceiveThem) {
    EXPECT_TRUE(may_send_to("https://192.0.2.10:5001/token"));
}

TEST(MaySendCredentials, PlainHttpToIpv4LoopbackMayReceiveThem) {
    EXPECT_TRUE(may_send_to("http://127.0.0.1:5001/token"));
}

TEST(MaySendCredentials, PlainHttpToLocalhostMayReceiveThem) {
    EXPECT_TRUE(may_send_to("http://localhost:5001/token"));
}

TEST(MaySendCredentials, PlainHttpToIpv6LoopbackMayReceiveThem) {
    EXPECT_TRUE(may_send_to("http://[::1]:5001/token"));
}

TEST(MaySendCredentials, PlainHttpToAnotherHostMayNot) {
    EXPECT_FALSE(may_send_to("http://auth.example.com/token"));
}

TEST(MaySendCredentials, PlainHttpToANonLoopbackAddressMayNot) {
    EXPECT_FALSE(may_send_to("http://192.0.2.10:5001/token"));
    EXPECT_FALSE(may_send_to("http://[2001:db8::1]:5001/token"));
}

TEST(MaySendCredentials, PlainHttpToAHostMerelyStartingWithLocalhostMayNot) {
    EXPECT_FALSE(may_send_to("http://localhost.example.com/token"));
}

TEST(MaySendCredentials, LoopbackUserinfoDoesNotMakeAnotherHostLoopback) {
    EXPECT_FALSE(may_send_to("http://127.0.0.1@auth.example.com/token"));
}

TEST(MaySendCredentials, OtherSchemesMayNot) {
    EXPECT_FALSE(may_send_to("ftp://auth.example.com/token"));
}

TEST(MaySendCredentials, PlainHttpToLocalhostInAnyCaseMayReceiveThem) {
    EXPECT_TRUE(may_send_to("http://LocalHost:5001/token"));
}

// ---- identity tokens: the OAuth2 refresh-token grant ----

transport::HttpRequest refresh_request(std::string_view token) {
    auto request = refresh_token_request("https://auth.example.com/token", "registry.example",
                                         {"repository:a/b:pull", "repository:c:pull,push"}, token);
    EXPECT_TRUE(request) << (request ? "" : request.error().message);
    return request ? *request : transport::HttpRequest{};
}

TEST(RefreshTokenRequest, IsAFormPostToTheRealm) {
    const auto request = refresh_request("tok");
    EXPECT_EQ(request.method, transport::http::verb::post);
    EXPECT_EQ(request.url.buffer(), "https://auth.example.com/token");
    EXPECT_EQ(transport::header_value(request.headers, "Content-Type"),
              "application/x-www-form-urlencoded");
}

TEST(RefreshTokenRequest, CarriesGrantTokenServiceScopesAndClientId) {
    EXPECT_EQ(refresh_request("tok").body,
              "grant_type=refresh_token&refresh_token=tok&service=registry.example"
              "&scope=repository%3Aa%2Fb%3Apull%20repository%3Ac%3Apull%2Cpush"
              "&client_id=regmigrate");
}

TEST(RefreshTokenRequest, TokenCharactersAreEscapedSoAPlusStaysAPlus) {
    const auto body = refresh_request("a+b/c=").body;
    EXPECT_NE(body.find("refresh_token=a%2Bb%2Fc%3D&"), std::string::npos) << body;
}

TEST(RefreshTokenRequest, NeverPutsTheTokenInTheUrl) {
    EXPECT_EQ(refresh_request("secret-token").url.buffer().find("secret-token"), std::string::npos);
}

TEST(RefreshTokenRequest, RealmThatIsNotAnHttpUrlIsRefused) {
    EXPECT_FALSE(refresh_token_request("ftp://auth.example.com/token", "s", {}, "tok"));
}

}  // namespace
}  // namespace regmigrate::registry
