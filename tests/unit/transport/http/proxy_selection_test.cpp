#include "transport/http/proxy_selection.hpp"
#include "transport/http/connection.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace regmigrate::transport {
namespace {

Origin https_origin(std::string host, std::uint16_t port = 443) {
    return Origin{"https", std::move(host), port};
}
Origin http_origin(std::string host, std::uint16_t port = 80) {
    return Origin{"http", std::move(host), port};
}

class FakeEnvironment {
  public:
    explicit FakeEnvironment(std::map<std::string, std::string> values)
        : values_(std::move(values)) {}
    EnvironmentLookup lookup() const {
        return [this](const char* name) -> const char* {
            const auto it = values_.find(name);
            return it == values_.end() ? nullptr : it->second.c_str();
        };
    }

  private:
    std::map<std::string, std::string> values_;
};

ProxyRules from_environment(std::map<std::string, std::string> values) {
    const FakeEnvironment environment(std::move(values));
    return proxy_rules_from_environment(environment.lookup()).value();
}

bool bypassed(std::string_view no_proxy, std::string_view host, std::uint16_t port = 443) {
    return bypasses_proxy(parse_no_proxy(no_proxy), host, port);
}

// --- proxy URLs ---

TEST(ProxyUrl, ReadsHostAndPort) {
    const auto server = parse_proxy_url("http://10.0.0.1:3128").value();
    EXPECT_EQ(server.host, "10.0.0.1");
    EXPECT_EQ(server.port, 3128);
    EXPECT_EQ(server.address(), "10.0.0.1:3128");
}

TEST(ProxyUrl, WithoutSchemeIsAnHttpProxy) {
    EXPECT_EQ(parse_proxy_url("proxy.corp:3128").value().address(), "proxy.corp:3128");
    EXPECT_EQ(parse_proxy_url("10.0.0.1:3128").value().address(), "10.0.0.1:3128");
}

TEST(ProxyUrl, PortDefaultsToEightyAsInGo) {
    EXPECT_EQ(parse_proxy_url("http://proxy.corp").value().port, 80);
}

TEST(ProxyUrl, TrailingSlashIsAccepted) {
    EXPECT_EQ(parse_proxy_url("http://proxy.corp:8080/").value().port, 8080);
}

TEST(ProxyUrl, Ipv6HostIsBracketedInItsAddress) {
    const auto server = parse_proxy_url("http://[fd00::1]:3128").value();
    EXPECT_EQ(server.host, "fd00::1");
    EXPECT_EQ(server.address(), "[fd00::1]:3128");
}

TEST(ProxyUrl, UserinfoIsPercentDecodedIntoCredentials) {
    const auto server = parse_proxy_url("http://jane%40corp:p%3Ass@proxy:3128").value();
    EXPECT_EQ(server.username, "jane@corp");
    EXPECT_EQ(server.password, "p:ss");
    EXPECT_EQ(server.address(), "proxy:3128");
}

TEST(ProxyUrl, AuthorizationIsBasicOfUserAndPassword) {
    const auto server = parse_proxy_url("http://user:pass@proxy:3128").value();
    EXPECT_EQ(server.authorization(), "Basic dXNlcjpwYXNz");
}

TEST(ProxyUrl, NoUserMeansNoAuthorization) {
    EXPECT_EQ(parse_proxy_url("http://proxy:3128").value().authorization(), "");
}

TEST(ProxyUrl, HttpsAndSocksProxiesAreRefusedByName) {
    for (const char* url : {"https://proxy:3128", "socks5://proxy:1080"}) {
        const auto server = parse_proxy_url(url);
        ASSERT_FALSE(server) << url;
        EXPECT_NE(server.error().message.find("only http:// proxies"), std::string::npos);
        EXPECT_EQ(server.error().kind, ErrorKind::invalid_argument);
    }
}

TEST(ProxyUrl, PathQueryAndBadPortAreRefused) {
    EXPECT_FALSE(parse_proxy_url("http://proxy:3128/some/path"));
    EXPECT_FALSE(parse_proxy_url("http://proxy:3128?x=1"));
    EXPECT_FALSE(parse_proxy_url("http://proxy:99999"));
    EXPECT_FALSE(parse_proxy_url("http://proxy:0"));
    EXPECT_FALSE(parse_proxy_url(""));
}

TEST(ProxyUrl, ErrorsNeverShowThePassword) {
    const auto server = parse_proxy_url("http://user:s3cret@proxy:3128/path");
    ASSERT_FALSE(server);
    EXPECT_EQ(server.error().message.find("s3cret"), std::string::npos);
    EXPECT_NE(server.error().message.find("\"http://proxy:3128/path\""), std::string::npos)
        << server.error().message;
}

// --- NO_PROXY ---

TEST(NoProxy, HostNameMatchesItselfAndItsSubdomains) {
    EXPECT_TRUE(bypassed("example.com", "example.com"));
    EXPECT_TRUE(bypassed("example.com", "registry.example.com"));
    EXPECT_FALSE(bypassed("example.com", "notexample.com"));
    EXPECT_FALSE(bypassed("example.com", "example.com.evil"));
}

TEST(NoProxy, LeadingDotMatchesSubdomainsOnlyAsInGo) {
    EXPECT_TRUE(bypassed(".example.com", "registry.example.com"));
    EXPECT_FALSE(bypassed(".example.com", "example.com"));
}

TEST(NoProxy, StarDotIsALeadingDot) {
    EXPECT_TRUE(bypassed("*.example.com", "a.b.example.com"));
    EXPECT_FALSE(bypassed("*.example.com", "example.com"));
}

TEST(NoProxy, MatchingIgnoresCaseSpacesAndTrailingDots) {
    EXPECT_TRUE(bypassed(" Example.COM ", "REGISTRY.example.com."));
}

TEST(NoProxy, StarBypassesEverything) {
    EXPECT_TRUE(bypassed("*", "anything.example"));
    EXPECT_TRUE(bypassed("example.com, *", "10.1.2.3"));
}

TEST(NoProxy, IpAddressMatchesOnlyThatAddress) {
    EXPECT_TRUE(bypassed("10.0.0.5", "10.0.0.5"));
    EXPECT_FALSE(bypassed("10.0.0.5", "10.0.0.6"));
}

TEST(NoProxy, Ipv6AddressesMatchInAnySpelling) {
    EXPECT_TRUE(bypassed("2001:db8::1", "2001:0db8:0:0::1"));
    EXPECT_TRUE(bypassed("[2001:db8::1]:5000", "2001:db8::1", 5000));
    EXPECT_FALSE(bypassed("[2001:db8::1]:5000", "2001:db8::1", 5001));
}

TEST(NoProxy, CidrRangeMatchesAddressesInside) {
    EXPECT_TRUE(bypassed("10.0.0.0/8", "10.200.3.4"));
    EXPECT_FALSE(bypassed("10.0.0.0/8", "11.0.0.1"));
    EXPECT_TRUE(bypassed("192.168.1.0/23", "192.168.0.77"));
    EXPECT_FALSE(bypassed("192.168.1.0/24", "192.168.0.77"));
    EXPECT_TRUE(bypassed("fd00::/8", "fd12:3456::1"));
    EXPECT_FALSE(bypassed("fd00::/8", "fe80::1"));
}

TEST(NoProxy, CidrRangeDoesNotMatchHostNames) {
    EXPECT_FALSE(bypassed("10.0.0.0/8", "ten.example"));
}

TEST(NoProxy, PortLimitsAnEntryToThatPort) {
    EXPECT_TRUE(bypassed("example.com:5000", "registry.example.com", 5000));
    EXPECT_FALSE(bypassed("example.com:5000", "registry.example.com", 443));
    EXPECT_TRUE(bypassed("10.0.0.5:443", "10.0.0.5", 443));
    EXPECT_FALSE(bypassed("10.0.0.5:443", "10.0.0.5", 80));
}

TEST(NoProxy, SeveralEntriesAnyMatches) {
    const auto rules = parse_no_proxy("internal.corp,10.0.0.0/8,,registry.example:5000");
    EXPECT_EQ(rules.size(), 3u);
    EXPECT_TRUE(bypasses_proxy(rules, "git.internal.corp", 443));
    EXPECT_TRUE(bypasses_proxy(rules, "10.9.9.9", 443));
    EXPECT_TRUE(bypasses_proxy(rules, "registry.example", 5000));
    EXPECT_FALSE(bypasses_proxy(rules, "registry.example", 443));
    EXPECT_FALSE(bypasses_proxy(rules, "quay.io", 443));
}

TEST(NoProxy, MeaninglessEntriesAreSkipped) {
    EXPECT_TRUE(parse_no_proxy(" , :80, host:notaport").empty());
    EXPECT_FALSE(bypassed("", "example.com"));
}

// --- loopback ---

TEST(Loopback, LocalhostAndLoopbackAddressesAreLoopback) {
    EXPECT_TRUE(is_loopback_host("localhost"));
    EXPECT_TRUE(is_loopback_host("LOCALHOST"));
    EXPECT_TRUE(is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("127.3.2.1"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
    EXPECT_FALSE(is_loopback_host("10.0.0.1"));
    EXPECT_FALSE(is_loopback_host("localhost.example.com"));
}

// --- the environment ---

TEST(ProxyEnvironment, HttpsProxyServesHttpsOrigins) {
    const auto rules = from_environment({{"HTTPS_PROXY", "http://proxy:3128"}});
    EXPECT_EQ(select_proxy(rules, https_origin("registry.example")).value().address(),
              "proxy:3128");
    EXPECT_FALSE(select_proxy(rules, http_origin("registry.example")));
}

TEST(ProxyEnvironment, HttpProxyServesHttpOrigins) {
    const auto rules = from_environment({{"HTTP_PROXY", "http://proxy:3128"}});
    EXPECT_EQ(select_proxy(rules, http_origin("registry.example")).value().address(), "proxy:3128");
    EXPECT_FALSE(select_proxy(rules, https_origin("registry.example")));
}

TEST(ProxyEnvironment, LowerCaseFormsAreRead) {
    const auto rules = from_environment(
        {{"https_proxy", "http://tls-proxy:1"}, {"http_proxy", "http://plain-proxy:2"}});
    EXPECT_EQ(rules.https.value().host, "tls-proxy");
    EXPECT_EQ(rules.http.value().host, "plain-proxy");
}

TEST(ProxyEnvironment, LowerCaseWinsWhereBothAreSet) {
    const auto rules = from_environment({{"https_proxy", "http://lower:1"},
                                         {"HTTPS_PROXY", "http://upper:1"},
                                         {"no_proxy", "lower.example"},
                                         {"NO_PROXY", "upper.example"}});
    EXPECT_EQ(rules.https.value().host, "lower");
    EXPECT_TRUE(bypasses_proxy(rules.no_proxy, "lower.example", 443));
    EXPECT_FALSE(bypasses_proxy(rules.no_proxy, "upper.example", 443));
}

TEST(ProxyEnvironment, EmptyLowerCaseLeavesTheUpperCaseOne) {
    const auto rules = from_environment({{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:1"}});
    EXPECT_EQ(rules.https.value().host, "upper");
}

TEST(ProxyEnvironment, NothingSetMeansDirect) {
    const auto rules = from_environment({});
    EXPECT_FALSE(select_proxy(rules, https_origin("registry.example")));
    EXPECT_FALSE(select_proxy(rules, http_origin("registry.example")));
}

TEST(ProxyEnvironment, NoProxyHostsGoDirect) {
    const auto rules =
        from_environment({{"HTTPS_PROXY", "http://proxy:3128"}, {"NO_PROXY", ".internal.corp"}});
    EXPECT_FALSE(select_proxy(rules, https_origin("registry.internal.corp")));
    EXPECT_TRUE(select_proxy(rules, https_origin("registry.example")));
}

TEST(ProxyEnvironment, NoProxyPortIsTheOriginsDefaultPortWhenUnspelled) {
    const auto rules = from_environment(
        {{"HTTPS_PROXY", "http://proxy:3128"}, {"NO_PROXY", "registry.example:443"}});
    EXPECT_FALSE(select_proxy(rules, https_origin("registry.example", 443)));
    EXPECT_TRUE(select_proxy(rules, https_origin("registry.example", 5000)));
}

TEST(ProxyEnvironment, LoopbackIsNeverProxied) {
    const auto rules = from_environment(
        {{"HTTPS_PROXY", "http://proxy:3128"}, {"HTTP_PROXY", "http://proxy:3128"}});
    EXPECT_FALSE(select_proxy(rules, https_origin("localhost", 5000)));
    EXPECT_FALSE(select_proxy(rules, http_origin("127.0.0.1", 5000)));
    EXPECT_FALSE(select_proxy(rules, https_origin("::1", 5000)));
}

TEST(ProxyEnvironment, MalformedProxyNamesItsVariable) {
    const FakeEnvironment environment(
        std::map<std::string, std::string>{{"https_proxy", "socks5://proxy:1080"}});
    const auto rules = proxy_rules_from_environment(environment.lookup());
    ASSERT_FALSE(rules);
    EXPECT_NE(rules.error().message.find("https_proxy"), std::string::npos);
}

// --- explicit choices ---

TEST(ProxyChoice, UrlCarriesEveryOriginLoopbackIncluded) {
    const auto rules = parse_proxy_choice("http://127.0.0.1:3128").value();
    EXPECT_EQ(select_proxy(rules, https_origin("127.0.0.1", 5000)).value().port, 3128);
    EXPECT_EQ(select_proxy(rules, http_origin("localhost", 5000)).value().port, 3128);
    EXPECT_TRUE(select_proxy(rules, https_origin("registry.example")));
}

TEST(ProxyChoice, NoneIsDirectForEveryOrigin) {
    const auto rules = parse_proxy_choice("none").value();
    EXPECT_FALSE(select_proxy(rules, https_origin("registry.example")));
    EXPECT_FALSE(select_proxy(rules, http_origin("registry.example")));
}

TEST(ProxyChoice, BadUrlIsAnError) {
    EXPECT_FALSE(parse_proxy_choice("https://proxy:3128"));
    EXPECT_FALSE(parse_proxy_choice(""));
}

}  // namespace
}  // namespace regmigrate::transport
