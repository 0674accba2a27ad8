// regmigrate behind an HTTP forward proxy (tests/support/forward_proxy): real docker-registry
// processes reached through it by --proxy or a plan's `proxy:` key (loopback registries are
// otherwise never proxied), plain http in absolute form, TLS with a private CA through a
// CONNECT tunnel, proxy credentials from the URL's userinfo, and a 407 that names the proxy.
#include "tests/support/forward_proxy.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/scripted_http_server.hpp"
#include "tests/support/sync_cli.hpp"
#include "tests/support/test_pki.hpp"
#include "transport/http/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

bool saw(const ForwardProxy& proxy, std::string_view method, std::string_view target_prefix) {
    const auto log = proxy.log();
    return std::any_of(log.begin(), log.end(), [&](const ProxiedRequest& r) {
        return r.method == method && r.target.starts_with(target_prefix);
    });
}

class ProxyTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    // The image is pushed while the source is plain; with tls it then serves the same
    // storage over TLS with the test CA's server certificate.
    void fill_source(bool tls, std::map<std::string, std::string> users = {}) {
        pushed_ = push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
        if (!tls && users.empty())
            return;
        RegistryOptions options;
        if (tls)
            options.tls = RegistryTls{pki_->server().cert, pki_->server().key, {}, std::nullopt};
        options.htpasswd_users = std::move(users);
        source_.restart(std::move(options));
        std::filesystem::copy_file(pki_->ca().cert,
                                   cli_.host_certs_dir(source_.host()) / "test-ca.crt");
    }

    CopyOutcome copy(const std::string& source_tls, std::vector<std::string> options,
                     const std::map<std::string, std::string>& env = {}) {
        std::vector<std::string> args{"--src-tls", source_tls, "--dest-tls", "disabled"};
        args.insert(args.end(), options.begin(), options.end());
        return cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                         args, env);
    }

    std::string copied_digest() { return served_digest(destination_.host(), "mirror/app", "v1"); }

    static std::unique_ptr<TestPki> pki_;
    RegistryProcess source_;
    RegistryProcess destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};
std::unique_ptr<TestPki> ProxyTest::pki_;

TEST_F(ProxyTest, PlainHttpRegistriesAreReachedInAbsoluteForm) {
    fill_source(false);
    ForwardProxy proxy;
    const auto run = copy("disabled", {"--proxy", proxy.url()});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << proxy.log_text();
    EXPECT_EQ(copied_digest(), pushed_.digest);
    EXPECT_TRUE(saw(proxy, "GET", "http://" + source_.host() + "/v2/")) << proxy.log_text();
    EXPECT_TRUE(saw(proxy, "PUT", "http://" + destination_.host() + "/v2/")) << proxy.log_text();
    EXPECT_FALSE(saw(proxy, "CONNECT", "")) << proxy.log_text();
}

TEST_F(ProxyTest, TlsRegistryIsReachedThroughConnectWithItsPrivateCaVerified) {
    fill_source(true);
    ForwardProxy proxy;
    const auto run = copy("enabled", {"--proxy", proxy.url()});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << proxy.log_text();
    EXPECT_EQ(copied_digest(), pushed_.digest);
    EXPECT_TRUE(saw(proxy, "CONNECT", source_.host())) << proxy.log_text();
    // Nothing of the TLS registry's traffic is visible to the proxy outside the tunnel.
    EXPECT_FALSE(saw(proxy, "GET", "http://" + source_.host())) << proxy.log_text();
}

TEST_F(ProxyTest, TlsThroughTheProxyStillRefusesAnUntrustedCertificate) {
    fill_source(true);
    std::filesystem::remove_all(cli_.host_certs_dir(source_.host()));
    ForwardProxy proxy;
    const auto run = copy("enabled", {"--proxy", proxy.url()});
    EXPECT_NE(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_TRUE(saw(proxy, "CONNECT", source_.host())) << proxy.log_text();
    EXPECT_NE(run.cli.err.find("certificate"), std::string::npos) << run.cli.describe();
}

TEST_F(ProxyTest, ProxyDemandingCredentialsRefusesConnectWithAMessageNamingIt) {
    fill_source(true);
    ForwardProxy proxy({"ops", "pr0xy-s3cret"});
    const auto run = copy("enabled", {"--proxy", proxy.url()});
    EXPECT_NE(run.cli.exit_code, 0);
    const std::string expected = "proxy " + proxy.address() + " refused CONNECT to " +
                                 source_.host() + " (HTTP 407 Proxy Authentication Required)";
    EXPECT_NE(run.cli.err.find(expected), std::string::npos) << run.cli.describe();
}

TEST_F(ProxyTest, ProxyDemandingCredentialsRefusesPlainHttpWithAMessageNamingIt) {
    fill_source(false);
    ForwardProxy proxy({"ops", "pr0xy-s3cret"});
    const auto run = copy("disabled", {"--proxy", proxy.url()});
    EXPECT_NE(run.cli.exit_code, 0);
    const std::string expected =
        "proxy " + proxy.address() + " refused a request to " + source_.host() + " (HTTP 407";
    EXPECT_NE(run.cli.err.find(expected), std::string::npos) << run.cli.describe();
}

TEST_F(ProxyTest, UserinfoCredentialsGoToTheProxyAndRegistryCredentialsStayInTheTunnel) {
    fill_source(true, {{"alice", "registry-s3cret"}});
    ForwardProxy proxy({"ops", "pr0xy-s3cret"});
    const auto run =
        copy("enabled", {"--proxy", proxy.url(true), "--src-creds", "alice:registry-s3cret"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << proxy.log_text();
    EXPECT_EQ(copied_digest(), pushed_.digest);
    for (const auto& request : proxy.log()) {
        EXPECT_TRUE(request.proxy_authorization) << request.method << " " << request.target;
        if (request.method == "CONNECT") {
            EXPECT_FALSE(request.authorization) << request.target;
        }
    }
    EXPECT_EQ(run.cli.err.find("pr0xy-s3cret"), std::string::npos) << run.cli.err;
    EXPECT_EQ(run.cli.out.find("pr0xy-s3cret"), std::string::npos) << run.cli.out;
}

TEST_F(ProxyTest, EnvironmentProxyLeavesLoopbackRegistriesDirect) {
    fill_source(false);
    ForwardProxy proxy;
    const auto run =
        copy("disabled", {}, {{"HTTP_PROXY", proxy.url()}, {"HTTPS_PROXY", proxy.url()}});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_TRUE(proxy.log().empty()) << proxy.log_text();
}

TEST_F(ProxyTest, ProxyNoneOverridesTheEnvironment) {
    fill_source(false);
    const auto run = copy("disabled", {"--proxy", "none"},
                          {{"HTTP_PROXY", "http://127.0.0.1:1"}, {"HTTPS_PROXY", "ftp://bad"}});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
}

TEST_F(ProxyTest, InvalidProxyFlagIsAUsageError) {
    const auto run = copy("disabled", {"--proxy", "socks5://127.0.0.1:1080"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("only http:// proxies"), std::string::npos) << run.cli.err;
}

TEST_F(ProxyTest, PlanProxyKeyProxiesOnlyThatRegistry) {
    fill_source(false);
    ForwardProxy proxy;
    SyncCli sync(REGMIGRATE_BINARY);
    const auto plan = sync.write_file(
        "plan.yaml", "registries:\n  src: { host: " + source_.host() +
                         ", tls: disabled, proxy: \"" + proxy.url() + "\" }\n  dst: { host: " +
                         destination_.host() + ", tls: disabled, proxy: none }\n" +
                         "sync:\n  - { from: src, to: dst, repositories: [team/app] }\n");
    const auto run = sync.run_plan("sync", plan);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << proxy.log_text();
    EXPECT_TRUE(saw(proxy, "GET", "http://" + source_.host() + "/v2/")) << proxy.log_text();
    EXPECT_FALSE(saw(proxy, "PUT", "")) << proxy.log_text();
    const auto log = proxy.log();
    EXPECT_TRUE(std::none_of(log.begin(), log.end(), [&](const ProxiedRequest& r) {
        return r.target.find(destination_.host()) != std::string::npos;
    })) << proxy.log_text();
}

// The registry's side of the tunnel, seen by a server that records headers: the proxy's
// credentials never reach it, the registry's Authorization does (inside TLS).
TEST(ProxyTunnelHeaders, RegistryNeverSeesProxyAuthorization) {
    TestPki pki;
    ScriptedHttpServer registry(answer_each([](const ScriptedRequest&) { return ScriptedReply{}; }),
                                pki.server());
    ForwardProxy proxy({"ops", "pr0xy-s3cret"});
    boost::asio::io_context io;
    transport::ClientOptions options;
    options.tls.ca_file = pki.ca().cert.string();
    options.proxy = transport::parse_proxy_choice(proxy.url(true)).value();
    auto client = transport::HttpClient::create(io.get_executor(), options).value();
    transport::HttpRequest request;
    request.url = boost::urls::url(registry.url("/v2/"));
    request.headers.set(transport::http::field::authorization, "Bearer registry-token");
    const auto response = run_coro(io, client->fetch(std::move(request), 1024));
    ASSERT_TRUE(response) << response.error().message;
    ASSERT_EQ(registry.requests().size(), 1u);
    EXPECT_EQ(registry.requests()[0].header("Proxy-Authorization"), "");
    EXPECT_EQ(registry.requests()[0].header("Authorization"), "Bearer registry-token");
    ASSERT_EQ(proxy.log().size(), 1u);
    EXPECT_EQ(proxy.log()[0].method, "CONNECT");
    EXPECT_TRUE(proxy.log()[0].proxy_authorization);
    EXPECT_FALSE(proxy.log()[0].authorization);
}

}  // namespace
}  // namespace regmigrate::testing
