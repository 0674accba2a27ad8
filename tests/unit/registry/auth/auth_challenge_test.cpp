#include "registry/auth/auth_challenge.hpp"

#include <gtest/gtest.h>
#include <boost/url/url_view.hpp>

#include <string>

namespace regmigrate::registry {
namespace {

std::string query_value(boost::urls::url_view url, std::string_view key) {
    const auto it = url.params().find(key);
    return it == url.params().end() ? "<absent>" : std::string((*it).value);
}

std::vector<AuthChallenge> parsed(std::string_view header) {
    auto result = parse_www_authenticate(header);
    EXPECT_TRUE(result) << header << ": " << (result ? "" : result.error().message);
    return result ? *result : std::vector<AuthChallenge>{};
}

void expect_malformed(std::string_view header) {
    auto result = parse_www_authenticate(header);
    ASSERT_FALSE(result) << header << " was accepted";
    EXPECT_EQ(result.error().kind, ErrorKind::protocol);
}

TEST(AuthChallenge, ParsesDistributionBearerChallenge) {
    const auto challenges = parsed(
        R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push")");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].scheme, "bearer");
    EXPECT_EQ(challenges[0].param("realm"), "https://auth.example.com/token");
    EXPECT_EQ(challenges[0].param("service"), "registry.example.com");
    EXPECT_EQ(challenges[0].param("scope"), "repository:team/app:pull,push");
}

TEST(AuthChallenge, ParsesBasicChallenge) {
    const auto challenges = parsed(R"(Basic realm="Registry Realm")");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].scheme, "basic");
    EXPECT_EQ(challenges[0].param("realm"), "Registry Realm");
}

TEST(AuthChallenge, SchemeAndParameterNamesAreCaseInsensitive) {
    const auto challenges = parsed(R"(BEARER Realm="r", SERVICE="s")");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].scheme, "bearer");
    EXPECT_EQ(challenges[0].param("realm"), "r");
    EXPECT_EQ(challenges[0].param("Service"), "s");
}

TEST(AuthChallenge, ParameterValuesKeepTheirCase) {
    EXPECT_EQ(parsed(R"(Basic realm="MiXeD")")[0].param("realm"), "MiXeD");
}

TEST(AuthChallenge, MissingParameterIsEmpty) {
    EXPECT_EQ(parsed(R"(Basic realm="r")")[0].param("service"), "");
}

TEST(AuthChallenge, UnquotedTokenValues) {
    const auto challenges = parsed(R"(Bearer realm="https://a/b", service=reg, x=a.b-c)");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].param("service"), "reg");
    EXPECT_EQ(challenges[0].param("x"), "a.b-c");
}

TEST(AuthChallenge, SeveralChallengesInOneHeader) {
    const auto challenges =
        parsed(R"(Basic realm="simple", Bearer realm="https://t/token", service="svc")");
    ASSERT_EQ(challenges.size(), 2u);
    EXPECT_EQ(challenges[0].scheme, "basic");
    EXPECT_EQ(challenges[0].param("realm"), "simple");
    EXPECT_EQ(challenges[0].params.size(), 1u);
    EXPECT_EQ(challenges[1].scheme, "bearer");
    EXPECT_EQ(challenges[1].param("service"), "svc");
}

TEST(AuthChallenge, QuotedPairsAreUnescaped) {
    EXPECT_EQ(parsed(R"(Basic realm="a \"quoted\" \\ realm")")[0].param("realm"),
              R"(a "quoted" \ realm)");
}

TEST(AuthChallenge, CommasAndEqualsInsideQuotedValues) {
    const auto challenges = parsed(R"(Bearer scope="repository:a:pull,push", realm="x=y,z")");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].param("scope"), "repository:a:pull,push");
    EXPECT_EQ(challenges[0].param("realm"), "x=y,z");
}

TEST(AuthChallenge, WhitespaceAroundEqualsAndEmptyListElements) {
    const auto challenges = parsed(R"( ,Bearer realm = "r" ,, service= "s" , )");
    ASSERT_EQ(challenges.size(), 1u);
    EXPECT_EQ(challenges[0].param("realm"), "r");
    EXPECT_EQ(challenges[0].param("service"), "s");
}

TEST(AuthChallenge, Token68Form) {
    const auto challenges = parsed("Negotiate YIIBhwYGKwYBBQUCoIIBezCC+/==, Basic realm=\"r\"");
    ASSERT_EQ(challenges.size(), 2u);
    EXPECT_EQ(challenges[0].scheme, "negotiate");
    EXPECT_EQ(challenges[0].token68, "YIIBhwYGKwYBBQUCoIIBezCC+/==");
    EXPECT_TRUE(challenges[0].params.empty());
    EXPECT_EQ(challenges[1].param("realm"), "r");
}

TEST(AuthChallenge, SchemeWithoutParameters) {
    const auto challenges = parsed("Negotiate, Basic realm=\"r\"");
    ASSERT_EQ(challenges.size(), 2u);
    EXPECT_TRUE(challenges[0].params.empty());
    EXPECT_EQ(challenges[0].token68, "");
}

TEST(AuthChallenge, EmptyQuotedValueIsAllowed) {
    EXPECT_EQ(parsed(R"(Bearer realm="r",scope="")")[0].params.count("scope"), 1u);
}

TEST(AuthChallenge, RejectsEmptyHeader) {
    expect_malformed("");
    expect_malformed(" , ");
}

TEST(AuthChallenge, RejectsUnterminatedQuotedString) {
    expect_malformed(R"(Bearer realm="https://a)");
    expect_malformed(R"(Bearer realm="abc\)");
}

TEST(AuthChallenge, RejectsParameterWithoutValue) {
    expect_malformed("Bearer realm=, service=\"s\"");
    expect_malformed("Bearer service=\"s\", realm=");
}

TEST(AuthChallenge, RejectsUnquotedValueWithNonTokenCharacters) {
    expect_malformed("Bearer realm=https://a/b");
}

TEST(AuthChallenge, RejectsRepeatedParameter) {
    expect_malformed(R"(Bearer realm="https://good/token", realm="https://evil/token")");
    expect_malformed(R"(Bearer realm="a", REALM="b")");
}

TEST(AuthChallenge, RejectsGarbageAfterValue) {
    expect_malformed(R"(Bearer realm="a" junk)");
}

TEST(AuthChallenge, RejectsSchemeGluedToQuote) {
    expect_malformed(R"(Bearer"realm")");
}

TEST(AuthChallenge, RepositoryScopeFormat) {
    EXPECT_EQ(repository_scope("team/app", "pull,push"), "repository:team/app:pull,push");
    EXPECT_EQ(repository_scope("a", "pull"), "repository:a:pull");
}

TEST(TokenRequestUrl, AppendsServiceAndEveryScope) {
    auto url = token_request_url("https://auth.example.com/token", "registry.example.com",
                                 {"repository:a/b:pull", "repository:c:pull,push"});
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host(), "auth.example.com");
    EXPECT_EQ(url->path(), "/token");
    std::vector<std::pair<std::string, std::string>> params;
    for (auto param : url->params()) {
        params.emplace_back(param.key, param.value);
    }
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"service", "registry.example.com"}));
    EXPECT_EQ(params[1], (std::pair<std::string, std::string>{"scope", "repository:a/b:pull"}));
    EXPECT_EQ(params[2], (std::pair<std::string, std::string>{"scope", "repository:c:pull,push"}));
}

TEST(TokenRequestUrl, EncodesReservedCharacters) {
    auto url = token_request_url("http://127.0.0.1:5001/auth", "my service&x=1", {"a#b"});
    ASSERT_TRUE(url);
    const std::string text(url->buffer());
    EXPECT_EQ(text.find(' '), std::string::npos);
    EXPECT_EQ(text.find("&x=1"), std::string::npos);
    EXPECT_EQ(text.find('#'), std::string::npos);
    EXPECT_EQ(query_value(*url, "service"), "my service&x=1");
    EXPECT_EQ(query_value(*url, "scope"), "a#b");
}

TEST(TokenRequestUrl, KeepsQueryAlreadyInTheRealm) {
    auto url = token_request_url("https://auth.example.com/token?account=me", "svc", {});
    ASSERT_TRUE(url);
    EXPECT_EQ(query_value(*url, "account"), "me");
    EXPECT_EQ(query_value(*url, "service"), "svc");
}

TEST(TokenRequestUrl, LeavesOutEmptyServiceAndScopes) {
    auto url = token_request_url("https://auth.example.com/token", "", {""});
    ASSERT_TRUE(url);
    EXPECT_TRUE(url->params().empty());
}

TEST(TokenRequestUrl, RejectsRelativeRealm) {
    auto url = token_request_url("/token", "svc", {});
    ASSERT_FALSE(url);
    EXPECT_EQ(url.error().kind, ErrorKind::protocol);
    EXPECT_NE(url.error().message.find("\"/token\""), std::string::npos);
}

TEST(TokenRequestUrl, RejectsNonHttpRealm) {
    EXPECT_FALSE(token_request_url("file:///etc/passwd", "svc", {}));
    EXPECT_FALSE(token_request_url("ftp://host/token", "svc", {}));
    EXPECT_FALSE(token_request_url("javascript:alert(1)", "svc", {}));
}

TEST(TokenRequestUrl, RejectsRealmWithoutHost) {
    EXPECT_FALSE(token_request_url("https:///token", "s", {}));
}

TEST(TokenRequestUrl, RejectsHostThatOnlyStartsWithAnIpAddress) {
    auto url = token_request_url("http://127.0.0.1.example.com/token", "svc", {});
    ASSERT_FALSE(url);
    EXPECT_NE(url.error().message.find("invalid host"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::registry
