#include "transport/http/proxy_tunnel.hpp"

#include <gtest/gtest.h>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <sstream>

namespace regmigrate::transport {
namespace {

std::string serialized(const http::request<http::empty_body>& request) {
    std::ostringstream out;
    out << request;
    return out.str();
}

ProxyServer proxy(std::string_view url) {
    return parse_proxy_url(url).value();
}

TEST(ConnectRequest, AsksForTheOriginsHostAndPort) {
    const auto text =
        serialized(connect_request({"https", "registry.example", 443}, proxy("http://p:3128")));
    EXPECT_EQ(text, "CONNECT registry.example:443 HTTP/1.1\r\nHost: registry.example:443\r\n\r\n");
}

TEST(ConnectRequest, BracketsIpv6Origins) {
    const auto request = connect_request({"https", "fd00::5", 5000}, proxy("http://p:3128"));
    EXPECT_EQ(request.target(), "[fd00::5]:5000");
}

TEST(ConnectRequest, CarriesProxyCredentialsWhenTheUrlHasThem) {
    const auto request =
        connect_request({"https", "registry.example", 443}, proxy("http://user:pass@p:3128"));
    EXPECT_EQ(request[http::field::proxy_authorization], "Basic dXNlcjpwYXNz");
}

TEST(ConnectRequest, WithoutCredentialsSendsNoProxyAuthorization) {
    const auto request = connect_request({"https", "registry.example", 443}, proxy("p:3128"));
    EXPECT_EQ(request.count(http::field::proxy_authorization), 0u);
}

TEST(AbsoluteForm, KeepsPathAndQueryAndNamesThePort) {
    const auto url =
        boost::urls::parse_uri("http://registry.example:5000/v2/a/tags/list?n=5").value();
    EXPECT_EQ(absolute_form_target({"http", "registry.example", 5000}, url),
              "http://registry.example:5000/v2/a/tags/list?n=5");
}

TEST(AbsoluteForm, DropsUserinfoAndFragment) {
    const auto url = boost::urls::parse_uri("http://u:p@registry.example/v2/#x").value();
    EXPECT_EQ(absolute_form_target({"http", "registry.example", 80}, url),
              "http://registry.example:80/v2/");
}

TEST(AbsoluteForm, EmptyPathIsSlash) {
    const auto url = boost::urls::parse_uri("http://registry.example").value();
    EXPECT_EQ(absolute_form_target({"http", "registry.example", 80}, url),
              "http://registry.example:80/");
}

TEST(ProxyRefusal, NamesProxyTargetAndStatus) {
    const auto error =
        proxy_refusal(proxy("http://10.0.0.1:3128"), "CONNECT to registry.example:443", 407,
                      "Proxy Authentication Required");
    EXPECT_EQ(error.message,
              "proxy 10.0.0.1:3128 refused CONNECT to registry.example:443 (HTTP 407 Proxy "
              "Authentication Required)");
    EXPECT_EQ(error.kind, ErrorKind::unauthorized);
    EXPECT_EQ(error.http_status, 407);
}

TEST(ProxyRefusal, NeverShowsProxyCredentials) {
    const auto error = proxy_refusal(proxy("http://user:s3cret@10.0.0.1:3128"), "CONNECT", 403, "");
    EXPECT_EQ(error.message.find("s3cret"), std::string::npos);
    EXPECT_EQ(error.message.find("user"), std::string::npos);
}

TEST(ProxyRefusal, MissingReasonIsTheStandardOne) {
    const auto error = proxy_refusal(proxy("p:1"), "CONNECT to r:443", 403, "");
    EXPECT_NE(error.message.find("(HTTP 403 Forbidden)"), std::string::npos);
    EXPECT_EQ(error.kind, ErrorKind::http);
}

TEST(ProxyRefusal, GatewayErrorsAreRetryable) {
    EXPECT_TRUE(proxy_refusal(proxy("p:1"), "CONNECT to r:443", 502, "Bad Gateway").retryable());
    EXPECT_FALSE(proxy_refusal(proxy("p:1"), "CONNECT to r:443", 407, "").retryable());
}

TEST(ProxyRefusal, ControlCharactersInTheReasonAreReplaced) {
    const auto error = proxy_refusal(proxy("p:1"), "CONNECT to r:443", 403, "no\r\nX-Evil: 1");
    EXPECT_EQ(error.message.find('\n'), std::string::npos);
}

TEST(Tunnel, AnyTwoHundredOpensIt) {
    EXPECT_TRUE(tunnel_established(200));
    EXPECT_TRUE(tunnel_established(204));
    EXPECT_FALSE(tunnel_established(407));
    EXPECT_FALSE(tunnel_established(302));
}

TEST(ConnectionKey, ProxiedAndDirectConnectionsToOneOriginDiffer) {
    const Origin origin{"https", "registry.example", 443};
    EXPECT_NE(connection_key(origin, std::nullopt), connection_key(origin, proxy("p:3128")));
    EXPECT_NE(connection_key(origin, proxy("p:3128")), connection_key(origin, proxy("q:3128")));
    EXPECT_EQ(connection_key(origin, std::nullopt), origin.key());
}

}  // namespace
}  // namespace regmigrate::transport
