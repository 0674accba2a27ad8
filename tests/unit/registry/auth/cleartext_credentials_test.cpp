// Where a password may go in the clear: cleartext_credentials and its loopback notion.
#include "registry/auth/cleartext_credentials.hpp"

#include "transport/log.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace regmigrate::registry {
namespace {

boost::urls::url url(std::string_view text) {
    auto parsed = boost::urls::parse_absolute_uri(text);
    EXPECT_TRUE(parsed) << text;
    return boost::urls::url(*parsed);
}

CleartextCredentials decide(std::string_view text, bool allowed_by_user = false) {
    return cleartext_credentials(url(text), allowed_by_user);
}

TEST(CleartextCredentials, HttpsIsAllowedToAnyHost) {
    EXPECT_EQ(decide("https://registry.example.com/v2/"), CleartextCredentials::allowed);
    EXPECT_EQ(decide("https://192.0.2.10:5000/v2/"), CleartextCredentials::allowed);
}

TEST(CleartextCredentials, PlainHttpToAnyAddressOf127Slash8IsAllowed) {
    EXPECT_EQ(decide("http://127.0.0.1:5000/v2/"), CleartextCredentials::allowed);
    EXPECT_EQ(decide("http://127.0.0.2:5000/v2/"), CleartextCredentials::allowed);
    EXPECT_EQ(decide("http://127.255.255.254/v2/"), CleartextCredentials::allowed);
}

TEST(CleartextCredentials, PlainHttpToIpv6LoopbackIsAllowed) {
    EXPECT_EQ(decide("http://[::1]:5000/v2/"), CleartextCredentials::allowed);
}

TEST(CleartextCredentials, PlainHttpToIpv4MappedLoopbackIsAllowed) {
    EXPECT_EQ(decide("http://[::ffff:127.0.0.1]:5000/v2/"), CleartextCredentials::allowed);
}

TEST(CleartextCredentials, PlainHttpToLocalhostIsAllowedInAnyCase) {
    EXPECT_EQ(decide("http://localhost:5000/v2/"), CleartextCredentials::allowed);
    EXPECT_EQ(decide("http://LocalHost:5000/v2/"), CleartextCredentials::allowed);
}

TEST(CleartextCredentials, LoopbackReachedThroughAProxyIsNotExempt) {
    EXPECT_EQ(cleartext_credentials(url("http://127.0.0.1:5000/v2/"), false, true),
              CleartextCredentials::refused);
    EXPECT_EQ(cleartext_credentials(url("http://localhost:5000/v2/"), true, true),
              CleartextCredentials::allowed_by_user);
}

TEST(PermitCleartextCredentials, LoopbackRegistryBehindAnExplicitProxyIsRefused) {
    const auto rules = transport::parse_proxy_choice("http://proxy.example:3128");
    ASSERT_TRUE(rules);
    const auto permitted =
        permit_cleartext_credentials(url("http://127.0.0.1:5000/v2/"), false, "src", *rules);
    ASSERT_FALSE(permitted);
    EXPECT_NE(permitted.error().message.find("http://127.0.0.1:5000"), std::string::npos);
}

TEST(PermitCleartextCredentials, LoopbackRegistryStaysDirectUnderEnvironmentProxies) {
    transport::ProxyRules rules;
    rules.http = transport::parse_proxy_url("http://proxy.example:3128").value();
    EXPECT_TRUE(
        permit_cleartext_credentials(url("http://127.0.0.1:5000/v2/"), false, "src", rules));
}

TEST(CleartextCredentials, PlainHttpToARemoteNameIsRefused) {
    EXPECT_EQ(decide("http://registry.example.com/v2/"), CleartextCredentials::refused);
}

TEST(CleartextCredentials, NamesAreNotResolvedSoALoopbackLookalikeIsRemote) {
    // DNS may answer 127.0.0.1 today and something else at connect time.
    EXPECT_EQ(decide("http://loopback.example.com:5000/v2/"), CleartextCredentials::refused);
    EXPECT_EQ(decide("http://localhost.example.com/v2/"), CleartextCredentials::refused);
}

TEST(CleartextCredentials, PlainHttpToPrivateAddressesIsRefused) {
    EXPECT_EQ(decide("http://10.0.0.5:5000/v2/"), CleartextCredentials::refused);
    EXPECT_EQ(decide("http://192.168.1.20/v2/"), CleartextCredentials::refused);
    EXPECT_EQ(decide("http://[fd00::1]:5000/v2/"), CleartextCredentials::refused);
}

TEST(CleartextCredentials, UnspecifiedAddressIsNotLoopback) {
    EXPECT_EQ(decide("http://0.0.0.0:5000/v2/"), CleartextCredentials::refused);
    EXPECT_EQ(decide("http://[::]:5000/v2/"), CleartextCredentials::refused);
}

TEST(CleartextCredentials, UserConsentAllowsPlainHttpElsewhereWithAWarning) {
    EXPECT_EQ(decide("http://registry.example.com/v2/", true),
              CleartextCredentials::allowed_by_user);
}

TEST(CleartextCredentials, UserConsentChangesNothingWhereNoneIsNeeded) {
    EXPECT_EQ(decide("http://127.0.0.1:5000/v2/", true), CleartextCredentials::allowed);
    EXPECT_EQ(decide("https://registry.example.com/v2/", true), CleartextCredentials::allowed);
}

TEST(PermitCleartextCredentials, RefusalNamesWhoseCredentialsTheOriginAndTheFlag) {
    auto permitted =
        permit_cleartext_credentials(url("http://registry.example.com:5000/v2/"), false, "src");
    ASSERT_FALSE(permitted);
    EXPECT_EQ(permitted.error().kind, ErrorKind::unauthorized);
    const auto& message = permitted.error().message;
    EXPECT_NE(message.find("credentials for src"), std::string::npos) << message;
    EXPECT_NE(message.find("http://registry.example.com:5000"), std::string::npos) << message;
    EXPECT_NE(message.find("--allow-plain-http-credentials"), std::string::npos) << message;
}

// Every line written to the log while `action` runs.
template <class Action>
std::string logged_while(Action action) {
    FILE* sink = std::tmpfile();
    log_configure(LogFormat::text, LogLevel::debug, sink);
    action();
    log_configure(LogFormat::text, LogLevel::info, stderr);
    std::string text;
    std::rewind(sink);
    for (int c; (c = std::fgetc(sink)) != EOF;)
        text += static_cast<char>(c);
    std::fclose(sink);
    return text;
}

TEST(PermitCleartextCredentials, ConsentedPlainHttpIsWarnedOncePerOrigin) {
    const auto log = logged_while([] {
        for (int i = 0; i < 3; ++i) {
            EXPECT_TRUE(permit_cleartext_credentials(url("http://warn-once.example:5000/v2/"), true,
                                                     "src"));
        }
        EXPECT_TRUE(
            permit_cleartext_credentials(url("http://warn-once.example:5001/v2/"), true, "src"));
    });
    std::size_t lines = 0;
    for (std::size_t at = log.find("plain HTTP"); at != std::string::npos;
         at = log.find("plain HTTP", at + 1))
        ++lines;
    EXPECT_EQ(lines, 2u) << log;
    EXPECT_NE(log.find("http://warn-once.example:5000"), std::string::npos) << log;
    EXPECT_NE(log.find("http://warn-once.example:5001"), std::string::npos) << log;
}

TEST(PermitCleartextCredentials, UserConsentPermits) {
    EXPECT_TRUE(permit_cleartext_credentials(url("http://registry.example.com/v2/"), true, "src"));
}

}  // namespace
}  // namespace regmigrate::registry
