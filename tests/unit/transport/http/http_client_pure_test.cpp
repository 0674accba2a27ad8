// The transport's decisions that need no socket: where a redirect leads, whether
// credentials may follow it, how a URL maps to a connection origin, and TLS settings.
#include "transport/http/connection.hpp"
#include "transport/http/http_client.hpp"
#include "transport/tls/tls_options.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace regmigrate::transport {
namespace {

using http::verb;

boost::urls::url url(std::string_view text) {
    return boost::urls::url(text);
}

const boost::urls::url current = url("https://registry.test:5000/v2/app/blobs/sha256:abc?x=1");

std::optional<std::string> redirect(verb method, int status, std::string_view location,
                                    bool replayable = true) {
    auto target = redirect_target(method, status, location, current, replayable);
    if (!target) {
        return std::nullopt;
    }
    return std::string(target->buffer());
}

// ---- redirect_target: which statuses and methods are followed ----

class SafeMethodRedirectTest : public ::testing::TestWithParam<int> {};

TEST_P(SafeMethodRedirectTest, GetFollowsEveryRedirectStatus) {
    EXPECT_EQ(redirect(verb::get, GetParam(), "https://cdn.test/blob"), "https://cdn.test/blob");
}

TEST_P(SafeMethodRedirectTest, HeadFollowsEveryRedirectStatus) {
    EXPECT_EQ(redirect(verb::head, GetParam(), "https://cdn.test/blob"), "https://cdn.test/blob");
}

TEST_P(SafeMethodRedirectTest, GetFollowsEvenWithoutAReplayableBody) {
    EXPECT_EQ(redirect(verb::get, GetParam(), "/other", false), "https://registry.test:5000/other");
}

INSTANTIATE_TEST_SUITE_P(RedirectStatuses, SafeMethodRedirectTest,
                         ::testing::Values(301, 302, 303, 307, 308));

TEST(RedirectTargetTest, PutIsNotFollowedOn301) {
    EXPECT_EQ(redirect(verb::put, 301, "/elsewhere"), std::nullopt);
}

TEST(RedirectTargetTest, PutIsNotFollowedOn302) {
    EXPECT_EQ(redirect(verb::put, 302, "/elsewhere"), std::nullopt);
}

TEST(RedirectTargetTest, PostIsNotFollowedOn301Or302) {
    EXPECT_EQ(redirect(verb::post, 301, "/elsewhere"), std::nullopt);
    EXPECT_EQ(redirect(verb::post, 302, "/elsewhere"), std::nullopt);
}

TEST(RedirectTargetTest, PutIsFollowedOn303BecauseTheNextRequestIsAGet) {
    EXPECT_EQ(redirect(verb::put, 303, "/status"), "https://registry.test:5000/status");
}

TEST(RedirectTargetTest, StreamedPutIsFollowedOn303BecauseNoBodyIsResent) {
    EXPECT_EQ(redirect(verb::put, 303, "/status", false), "https://registry.test:5000/status");
}

TEST(RedirectTargetTest, PutWithReplayableBodyIsFollowedOn307And308) {
    EXPECT_EQ(redirect(verb::put, 307, "/again"), "https://registry.test:5000/again");
    EXPECT_EQ(redirect(verb::put, 308, "/again"), "https://registry.test:5000/again");
}

TEST(RedirectTargetTest, PostWithReplayableBodyIsFollowedOn307And308) {
    EXPECT_EQ(redirect(verb::post, 307, "/again"), "https://registry.test:5000/again");
    EXPECT_EQ(redirect(verb::post, 308, "/again"), "https://registry.test:5000/again");
}

TEST(RedirectTargetTest, PostBodyIsNotResentToAnotherOriginOn307Or308) {
    // A token grant's body carries the refresh token: it is meant for this origin only.
    EXPECT_EQ(redirect(verb::post, 307, "https://elsewhere.test/token"), std::nullopt);
    EXPECT_EQ(redirect(verb::post, 308, "https://elsewhere.test/token"), std::nullopt);
}

TEST(RedirectTargetTest, PutBodyIsNotResentToAnotherPortOn307) {
    EXPECT_EQ(redirect(verb::put, 307, "https://registry.test:5001/again"), std::nullopt);
}

TEST(RedirectTargetTest, PostBodyIsNotResentOverPlainHttpOn308) {
    EXPECT_EQ(redirect(verb::post, 308, "http://registry.test:5000/again"), std::nullopt);
}

TEST(RedirectTargetTest, PostFollows303ToAnotherOriginBecauseNoBodyIsResent) {
    EXPECT_EQ(redirect(verb::post, 303, "https://elsewhere.test/status"),
              "https://elsewhere.test/status");
}

TEST(RedirectTargetTest, StreamedPutIsNotFollowedOn307Or308) {
    EXPECT_EQ(redirect(verb::put, 307, "/again", false), std::nullopt);
    EXPECT_EQ(redirect(verb::put, 308, "/again", false), std::nullopt);
}

TEST(RedirectTargetTest, NonRedirectStatusesAreNotFollowed) {
    for (int status : {200, 201, 202, 300, 304, 305, 306, 400, 404}) {
        EXPECT_EQ(redirect(verb::get, status, "/elsewhere"), std::nullopt) << status;
    }
}

// ---- redirect_target: the Location value ----

TEST(RedirectTargetTest, AbsolutePathLocationKeepsSchemeHostAndPort) {
    EXPECT_EQ(redirect(verb::get, 302, "/v2/app/blobs/uploads/1"),
              "https://registry.test:5000/v2/app/blobs/uploads/1");
}

TEST(RedirectTargetTest, RelativePathLocationResolvesAgainstTheCurrentDirectory) {
    EXPECT_EQ(redirect(verb::get, 302, "../manifests/latest"),
              "https://registry.test:5000/v2/app/manifests/latest");
}

TEST(RedirectTargetTest, NetworkPathLocationKeepsTheScheme) {
    EXPECT_EQ(redirect(verb::get, 302, "//storage.test:9000/b"), "https://storage.test:9000/b");
}

TEST(RedirectTargetTest, AbsoluteLocationIsTakenAsIsWithItsQuery) {
    EXPECT_EQ(redirect(verb::get, 307, "http://storage.test/data/blob?X-Amz-Signature=ab%2Fc"),
              "http://storage.test/data/blob?X-Amz-Signature=ab%2Fc");
}

TEST(RedirectTargetTest, LocationSchemeOtherThanHttpOrHttpsIsRefused) {
    EXPECT_EQ(redirect(verb::get, 302, "ftp://storage.test/blob"), std::nullopt);
    EXPECT_EQ(redirect(verb::get, 302, "file:///etc/passwd"), std::nullopt);
    EXPECT_EQ(redirect(verb::get, 302, "javascript:alert(1)"), std::nullopt);
}

TEST(RedirectTargetTest, FragmentIsDropped) {
    EXPECT_EQ(redirect(verb::get, 302, "/v2/app/blob#part"),
              "https://registry.test:5000/v2/app/blob");
    EXPECT_EQ(redirect(verb::get, 302, "https://cdn.test/b?q=1#frag"), "https://cdn.test/b?q=1");
}

TEST(RedirectTargetTest, EmptyLocationIsNotFollowed) {
    EXPECT_EQ(redirect(verb::get, 302, ""), std::nullopt);
}

TEST(RedirectTargetTest, UnparsableLocationIsNotFollowed) {
    EXPECT_EQ(redirect(verb::get, 302, "http://[::1/blob"), std::nullopt);
    EXPECT_EQ(redirect(verb::get, 302, "/a b"), std::nullopt);
}

// ---- same_origin ----

TEST(SameOriginTest, SameSchemeHostAndPortIsSameOrigin) {
    EXPECT_TRUE(same_origin(url("https://registry.test:5000/v2/"),
                            url("https://registry.test:5000/v2/app/blobs/x?y=1")));
}

TEST(SameOriginTest, HostComparisonIgnoresCase) {
    EXPECT_TRUE(same_origin(url("https://Registry.TEST/v2/"), url("https://registry.test/v2/")));
}

TEST(SameOriginTest, ExplicitDefaultPortEqualsNoPort) {
    EXPECT_TRUE(same_origin(url("https://registry.test/v2/"), url("https://registry.test:443/a")));
    EXPECT_TRUE(same_origin(url("http://registry.test:80/v2/"), url("http://registry.test/a")));
}

TEST(SameOriginTest, SchemeChangeIsAnotherOrigin) {
    EXPECT_FALSE(same_origin(url("https://registry.test/v2/"), url("http://registry.test/v2/")));
    EXPECT_FALSE(
        same_origin(url("http://registry.test:5000/v2/"), url("https://registry.test:5000/v2/")));
}

TEST(SameOriginTest, PortChangeIsAnotherOrigin) {
    EXPECT_FALSE(same_origin(url("http://127.0.0.1:5000/v2/"), url("http://127.0.0.1:5001/v2/")));
}

TEST(SameOriginTest, HostChangeIsAnotherOrigin) {
    EXPECT_FALSE(same_origin(url("http://127.0.0.1:5000/v2/"), url("http://localhost:5000/v2/")));
    EXPECT_FALSE(same_origin(url("https://registry.test/v2/"), url("https://cdn.registry.test/")));
}

TEST(SameOriginTest, UnsupportedSchemeIsNeverSameOrigin) {
    EXPECT_FALSE(same_origin(url("ftp://registry.test/a"), url("ftp://registry.test/a")));
}

// ---- origin_of ----

TEST(OriginOfTest, HttpWithoutPortDefaultsTo80) {
    auto origin = origin_of(url("http://registry.test/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"http", "registry.test", 80}));
}

TEST(OriginOfTest, HttpsWithoutPortDefaultsTo443) {
    auto origin = origin_of(url("https://registry.test/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"https", "registry.test", 443}));
}

TEST(OriginOfTest, ExplicitPortIsKept) {
    auto origin = origin_of(url("https://127.0.0.1:5443/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"https", "127.0.0.1", 5443}));
}

TEST(OriginOfTest, Ipv6LiteralHostHasNoBrackets) {
    auto origin = origin_of(url("http://[::1]:5000/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"http", "::1", 5000}));
}

TEST(OriginOfTest, Ipv6LiteralWithoutPortDefaultsByScheme) {
    auto origin = origin_of(url("https://[2001:db8::7]/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"https", "2001:db8::7", 443}));
}

TEST(OriginOfTest, UserinfoIsNotPartOfTheHost) {
    auto origin = origin_of(url("https://user:secret@registry.test/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(origin->host, "registry.test");
}

TEST(OriginOfTest, SchemeIsCaseInsensitive) {
    // RFC 3986 3.1: schemes are case-insensitive.
    auto origin = origin_of(url("HTTPS://registry.test/v2/"));
    ASSERT_TRUE(origin) << origin.error().message;
    EXPECT_EQ(*origin, (Origin{"https", "registry.test", 443}));
}

TEST(OriginOfTest, UnsupportedSchemeIsAProtocolErrorNamingIt) {
    auto origin = origin_of(url("ftp://registry.test/v2/"));
    ASSERT_FALSE(origin);
    EXPECT_EQ(origin.error().kind, ErrorKind::protocol);
    EXPECT_NE(origin.error().message.find("\"ftp\""), std::string::npos) << origin.error().message;
}

TEST(OriginOfTest, MissingHostIsAProtocolError) {
    auto origin = origin_of(url("http:///v2/"));
    ASSERT_FALSE(origin);
    EXPECT_EQ(origin.error().kind, ErrorKind::protocol);
}

TEST(OriginOfTest, UrlWithoutAuthorityIsAProtocolError) {
    auto origin = origin_of(url("http:/v2/"));
    ASSERT_FALSE(origin);
    EXPECT_EQ(origin.error().kind, ErrorKind::protocol);
}

TEST(OriginOfTest, PortZeroIsAProtocolError) {
    auto origin = origin_of(url("http://registry.test:0/v2/"));
    ASSERT_FALSE(origin);
    EXPECT_EQ(origin.error().kind, ErrorKind::protocol);
}

TEST(OriginOfTest, KeyDistinguishesSchemeHostAndPort) {
    EXPECT_EQ((Origin{"https", "registry.test", 5000}.key()), "https://registry.test:5000");
    EXPECT_NE((Origin{"http", "h", 80}.key()), (Origin{"https", "h", 80}.key()));
}

// ---- TLS options ----

TEST(ParseTlsModeTest, AcceptsTheThreeModeNames) {
    EXPECT_EQ(parse_tls_mode("enabled").value(), TlsMode::enabled);
    EXPECT_EQ(parse_tls_mode("insecure").value(), TlsMode::insecure);
    EXPECT_EQ(parse_tls_mode("disabled").value(), TlsMode::disabled);
}

TEST(ParseTlsModeTest, ToStringRoundTrips) {
    for (TlsMode mode : {TlsMode::enabled, TlsMode::insecure, TlsMode::disabled}) {
        EXPECT_EQ(parse_tls_mode(to_string(mode)).value(), mode);
    }
}

TEST(ParseTlsModeTest, UnknownModeIsAnInvalidArgumentNamingIt) {
    auto mode = parse_tls_mode("verify");
    ASSERT_FALSE(mode);
    EXPECT_EQ(mode.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(mode.error().message.find("\"verify\""), std::string::npos) << mode.error().message;
}

TEST(ParseTlsModeTest, EmptyModeIsRefused) {
    EXPECT_FALSE(parse_tls_mode(""));
}

TEST(ParseTlsModeTest, ModeNamesAreCaseSensitive) {
    EXPECT_FALSE(parse_tls_mode("Enabled"));
}

// A path that does not exist, unique per test.
std::string missing_path(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return (std::filesystem::temp_directory_path() /
            ("regmigrate-absent-" + std::string(info->name())) / name)
        .string();
}

// ---- per-origin TLS: what the registry's options apply to ----

ClientOptions registry_client(std::string authority, TlsMode mode) {
    ClientOptions options;
    options.registry_authority = std::move(authority);
    options.tls.mode = mode;
    return options;
}

Origin origin(std::string scheme, std::string host, std::uint16_t port) {
    return Origin{std::move(scheme), std::move(host), port};
}

TEST(OriginTlsTest, WithoutARegistryEveryOriginIsHome) {
    OriginTls tls;
    EXPECT_TRUE(tls.is_home(origin("https", "anywhere.test", 443)));
}

TEST(OriginTlsTest, OnlyTheRegistryOriginIsHome) {
    OriginTls tls;
    tls.home_origin = origin("https", "registry.test", 5000);
    EXPECT_TRUE(tls.is_home(origin("https", "registry.test", 5000)));
    EXPECT_FALSE(tls.is_home(origin("https", "registry.test", 5001)));
    EXPECT_FALSE(tls.is_home(origin("https", "auth.registry.test", 5000)));
    EXPECT_FALSE(tls.is_home(origin("http", "registry.test", 5000)));
}

TEST(OriginTlsTest, HomeHostComparisonIgnoresCase) {
    OriginTls tls;
    tls.home_origin = origin("https", "registry.test", 443);
    EXPECT_TRUE(tls.is_home(origin("https", "Registry.TEST", 443)));
}

TEST(MakeOriginTlsTest, InsecureRegistryStillVerifiesOtherOrigins) {
    auto tls = make_origin_tls(registry_client("127.0.0.1:5000", TlsMode::insecure));
    ASSERT_TRUE(tls) << tls.error().message;
    EXPECT_FALSE(tls->verify_home);
    ASSERT_TRUE(tls->home_origin);
    EXPECT_EQ(tls->home_origin->key(), "https://127.0.0.1:5000");
    EXPECT_NE(tls->other, tls->home);
    EXPECT_EQ(SSL_CTX_get_verify_mode(tls->other->native_handle()), SSL_VERIFY_PEER);
}

TEST(MakeOriginTlsTest, VerifiedRegistryWithoutClientCertificateSharesOneContext) {
    auto tls = make_origin_tls(registry_client("registry.test", TlsMode::enabled));
    ASSERT_TRUE(tls) << tls.error().message;
    EXPECT_TRUE(tls->verify_home);
    EXPECT_EQ(tls->other, tls->home);
    EXPECT_EQ(tls->home_origin->key(), "https://registry.test:443");
}

TEST(MakeOriginTlsTest, PlainHttpRegistryHomeIsItsHttpOrigin) {
    auto tls = make_origin_tls(registry_client("127.0.0.1:5000", TlsMode::disabled));
    ASSERT_TRUE(tls) << tls.error().message;
    EXPECT_EQ(tls->home_origin->key(), "http://127.0.0.1:5000");
}

TEST(MakeOriginTlsTest, InvalidRegistryHostIsAnInvalidArgument) {
    auto tls = make_origin_tls(registry_client("bad host:5000", TlsMode::enabled));
    ASSERT_FALSE(tls);
    EXPECT_EQ(tls.error().kind, ErrorKind::invalid_argument);
}

TEST(MakeTlsContextTest, DefaultOptionsBuildAContext) {
    auto context = make_tls_context(TlsOptions{});
    ASSERT_TRUE(context) << context.error().message;
    EXPECT_NE(*context, nullptr);
}

TEST(MakeTlsContextTest, DisabledModeStillBuildsAContextForHttpsRedirects) {
    TlsOptions options;
    options.mode = TlsMode::disabled;
    EXPECT_TRUE(make_tls_context(options));
}

TEST(MakeTlsContextTest, MissingCaFileIsAnInvalidArgumentNamingTheFile) {
    TlsOptions options;
    options.ca_file = missing_path("ca.crt");
    auto context = make_tls_context(options);
    ASSERT_FALSE(context);
    EXPECT_EQ(context.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(context.error().message.find(options.ca_file), std::string::npos)
        << context.error().message;
}

TEST(MakeTlsContextTest, MissingCaDirectoryIsAnInvalidArgumentNamingIt) {
    TlsOptions options;
    options.ca_dir = missing_path("certs.d");
    auto context = make_tls_context(options);
    ASSERT_FALSE(context);
    EXPECT_EQ(context.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(context.error().message.find(options.ca_dir), std::string::npos)
        << context.error().message;
}

TEST(MakeTlsContextTest, ClientCertificateWithoutKeyIsRefused) {
    TlsOptions options;
    options.client_cert = missing_path("client.crt");
    auto context = make_tls_context(options);
    ASSERT_FALSE(context);
    EXPECT_EQ(context.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(context.error().message.find("key"), std::string::npos) << context.error().message;
}

TEST(MakeTlsContextTest, ClientKeyWithoutCertificateIsRefused) {
    TlsOptions options;
    options.client_key = missing_path("client.key");
    auto context = make_tls_context(options);
    ASSERT_FALSE(context);
    EXPECT_EQ(context.error().kind, ErrorKind::invalid_argument);
}

TEST(MakeTlsContextTest, MissingClientCertificateFileIsNamed) {
    TlsOptions options;
    options.client_cert = missing_path("client.crt");
    options.client_key = missing_path("client.key");
    auto context = make_tls_context(options);
    ASSERT_FALSE(context);
    EXPECT_EQ(context.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(context.error().message.find(options.client_cert), std::string::npos)
        << context.error().message;
}

// ---- describe_request ----

TEST(DescribeRequestTest, NamesMethodHostPortAndPathWithoutQueryOrUserinfo) {
    EXPECT_EQ(describe_request(verb::patch,
                               url("https://user:pw@127.0.0.1:5000/v2/a/blobs/uploads/1?_state=S")),
              "PATCH 127.0.0.1:5000/v2/a/blobs/uploads/1");
}

}  // namespace
}  // namespace regmigrate::transport
