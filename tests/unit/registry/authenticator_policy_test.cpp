#include "registry/authenticator.hpp"

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

}  // namespace
}  // namespace regmigrate::registry
