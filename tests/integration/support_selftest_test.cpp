// Proves the integration-test fixtures work against real docker-registry processes:
// RegistryProcess (plain, htpasswd, TLS, mutual TLS, token auth, restart on shared
// storage), fleet::RegistryWriter and the fleet generator, TestPki and TokenServer.
#include "tests/support/http_fetch.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"
#include "tools/fleet/byte_source.hpp"
#include "tools/fleet/codec.hpp"
#include "tools/fleet/fleet.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>

namespace regmigrate::testing {
namespace {

using fleet::ImagePlan;
using fleet::ManifestFormat;

ImagePlan small_image(const std::string& repository, const std::string& tag, ManifestFormat format,
                      std::size_t platforms = 1) {
    ImagePlan image{repository, tag, format, {}};
    const fleet::Platform choices[] = {{"linux", "amd64"}, {"linux", "arm64"}};
    for (std::size_t p = 0; p < platforms; ++p) {
        image.platforms.push_back(fleet::PlatformPlan{
            choices[p], {fleet::LayerPlan{fleet::derive_seed(77, p), 4096, false}}});
    }
    return image;
}

fleet::TaggedImage push_small_image(const RegistryProcess& registry, const ImagePlan& image) {
    fleet::RegistryWriter writer({registry.host()});
    fleet::PushedBlobs blobs;
    return fleet::ImagePusher(writer, blobs).push(image).value();
}

int status_of(FetchRequest request) {
    return fetch(request).value().status;
}

FetchRequest get(const std::string& url, const std::string& authorization = "") {
    FetchRequest request;
    request.url = url;
    if (!authorization.empty()) {
        request.headers.emplace_back("Authorization", authorization);
    }
    return request;
}

std::string sha256_of_body(const FetchResponse& response) {
    return fleet::sha256_digest(response.body);
}

// ---- plain registry and the writer ----

TEST(RegistryProcessTest, PlainRegistryAnswersV2OnLoopback) {
    RegistryProcess registry;
    EXPECT_EQ(registry.base_url(), "http://127.0.0.1:" + std::to_string(registry.port()));
    EXPECT_EQ(status_of(get(registry.base_url() + "/v2/")), 200);
}

TEST(RegistryProcessTest, StoppedRegistryNoLongerAnswers) {
    RegistryProcess registry;
    registry.stop();
    EXPECT_FALSE(fetch(get(registry.base_url() + "/v2/")).has_value());
}

TEST(RegistryProcessTest, TwoRegistriesGetDifferentPortsAndStorage) {
    RegistryProcess first;
    RegistryProcess second;
    EXPECT_NE(first.port(), second.port());
    EXPECT_NE(first.storage_dir(), second.storage_dir());
}

TEST(RegistryWriterTest, DockerImageReadsBackWithIdenticalDigestAndMediaType) {
    RegistryProcess registry;
    const auto pushed =
        push_small_image(registry, small_image("team/app", "v1", ManifestFormat::docker));
    fleet::RegistryWriter reader({registry.host()});
    const auto manifest = reader.get_manifest("team/app", "v1").value();
    EXPECT_EQ(manifest.digest, pushed.digest);
    EXPECT_EQ(manifest.media_type, fleet::media_type::docker_manifest);
}

TEST(RegistryWriterTest, MultiArchOciIndexReadsBackWithBothChildren) {
    RegistryProcess registry;
    const auto pushed =
        push_small_image(registry, small_image("team/multi", "v1", ManifestFormat::oci, 2));
    fleet::RegistryWriter reader({registry.host()});
    const auto index = reader.get_manifest("team/multi", "v1").value();
    EXPECT_EQ(index.digest, pushed.digest);
    EXPECT_EQ(index.media_type, fleet::media_type::oci_index);
    simdjson::dom::parser parser;
    simdjson::dom::array children = parser.parse(index.bytes)["manifests"].get_array();
    ASSERT_EQ(children.size(), 2u);
    for (simdjson::dom::element child : children) {
        const std::string digest{std::string_view(child["digest"])};
        EXPECT_EQ(reader.get_manifest("team/multi", digest).value().digest, digest);
    }
}

TEST(RegistryWriterTest, ListTagsReturnsPushedTags) {
    RegistryProcess registry;
    push_small_image(registry, small_image("team/app", "a", ManifestFormat::docker));
    push_small_image(registry, small_image("team/app", "b", ManifestFormat::oci));
    fleet::RegistryWriter reader({registry.host()});
    auto tags = reader.list_tags("team/app").value();
    std::sort(tags.begin(), tags.end());
    EXPECT_EQ(tags, (std::vector<std::string>{"a", "b"}));
}

TEST(RegistryWriterTest, StreamedBlobIsStoredByteForByte) {
    RegistryProcess registry;
    fleet::WriterOptions options{registry.host()};
    options.chunk_size = 1024 * 1024;  // several PATCHes, the last one short
    fleet::RegistryWriter writer(options);
    const std::uint64_t size = 3 * 1024 * 1024 + 5;
    fleet::ByteSource source(9);
    const auto digest =
        writer
            .push_blob_stream("team/big", size,
                              [&](char* out, std::size_t n) { source.fill(out, n); })
            .value();
    EXPECT_EQ(digest, fleet::sha256_digest(fleet::ByteSource(9).take(size)));
    const auto blob = fetch(get(registry.base_url() + "/v2/team/big/blobs/" + digest)).value();
    EXPECT_EQ(blob.body.size(), size);
    EXPECT_EQ(sha256_of_body(blob), digest);
}

TEST(RegistryWriterTest, MountMakesBlobExistInSecondRepository) {
    RegistryProcess registry;
    fleet::RegistryWriter writer({registry.host()});
    const auto digest = writer.push_blob("team/one", "shared layer bytes").value();
    EXPECT_FALSE(writer.blob_exists("team/two", digest).value());
    EXPECT_TRUE(writer.mount_blob("team/two", digest, "team/one").value());
    EXPECT_TRUE(writer.blob_exists("team/two", digest).value());
}

TEST(RegistryWriterTest, SkopeoInspectReportsTheSameDigest) {
    RegistryProcess registry;
    const auto pushed =
        push_small_image(registry, small_image("team/app", "v1", ManifestFormat::docker));
    const auto result = run_command(
        {"skopeo", "inspect", "--tls-verify=false", "docker://" + registry.host() + "/team/app:v1"},
        std::chrono::seconds(60));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find(pushed.digest), std::string::npos) << result.output;
}

// ---- fleet generator ----

TEST(FleetTest, SameSeedPlansTheSameFleet) {
    fleet::FleetSpec spec;
    spec.repositories = 3;
    spec.tags = 4;
    const auto first = fleet::plan_fleet(spec);
    const auto second = fleet::plan_fleet(spec);
    ASSERT_EQ(first.size(), 12u);
    for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(first[i].repository, second[i].repository);
        EXPECT_EQ(first[i].platforms.back().layers.back().seed,
                  second[i].platforms.back().layers.back().seed);
    }
}

TEST(FleetTest, PushedFleetMatchesSummaryAndSharesBaseLayers) {
    RegistryProcess registry;
    fleet::FleetSpec spec;
    spec.repositories = 3;
    spec.tags = 2;
    spec.base_layers = 2;
    spec.base_layer_size = 10 * 1024 * 1024;  // streamed, then mounted into other repos
    spec.unique_layer_size = 1000;
    spec.multiarch_share = 0.5;
    const auto summary = fleet::push_fleet(spec, {registry.host()}, 2).value();
    ASSERT_EQ(summary.images, 6u);
    std::size_t platform_images = 0;
    for (const auto& plan : fleet::plan_fleet(spec)) {
        platform_images += plan.platforms.size();
    }
    // Two shared base layers, plus one unique layer and one config per platform image.
    EXPECT_EQ(summary.unique_blobs, 2 + 2 * platform_images);
    fleet::RegistryWriter reader({registry.host()});
    for (const auto& image : summary.tagged) {
        EXPECT_EQ(reader.get_manifest(image.repository, image.tag).value().digest, image.digest);
    }
}

TEST(FleetTest, SameSeedPushesTheSameDigestsToAnotherRegistry) {
    RegistryProcess first;
    RegistryProcess second;
    fleet::FleetSpec spec;
    spec.repositories = 2;
    spec.tags = 2;
    const auto a = fleet::push_fleet(spec, {first.host()}, 1).value();
    const auto b = fleet::push_fleet(spec, {second.host()}, 2).value();
    for (std::size_t i = 0; i < a.tagged.size(); ++i) {
        EXPECT_EQ(a.tagged[i].digest, b.tagged[i].digest);
    }
}

// ---- htpasswd ----

class HtpasswdRegistryTest : public ::testing::Test {
  protected:
    RegistryOptions options() const {
        RegistryOptions options;
        options.htpasswd_users = {{"alice", "s3cret"}};
        return options;
    }
};

TEST_F(HtpasswdRegistryTest, RefusesAnonymousWithBasicChallenge) {
    RegistryProcess registry(options());
    const auto response = fetch(get(registry.base_url() + "/v2/")).value();
    EXPECT_EQ(response.status, 401);
    EXPECT_NE(response.header("www-authenticate").find("Basic"), std::string::npos);
}

TEST_F(HtpasswdRegistryTest, AcceptsTheConfiguredUser) {
    RegistryProcess registry(options());
    EXPECT_EQ(status_of(get(registry.base_url() + "/v2/", basic_authorization("alice", "s3cret"))),
              200);
}

TEST_F(HtpasswdRegistryTest, RefusesAWrongPassword) {
    RegistryProcess registry(options());
    EXPECT_EQ(status_of(get(registry.base_url() + "/v2/", basic_authorization("alice", "nope"))),
              401);
}

TEST_F(HtpasswdRegistryTest, RestartWithAuthKeepsImagesPushedWhilePlain) {
    RegistryProcess registry;
    const auto pushed =
        push_small_image(registry, small_image("team/app", "v1", ManifestFormat::oci));
    const auto port = registry.port();
    registry.restart(options());
    EXPECT_EQ(registry.port(), port);
    fleet::RegistryWriter anonymous({registry.host()});
    EXPECT_EQ(anonymous.get_manifest("team/app", "v1").error().kind, ErrorKind::unauthorized);
    fleet::RegistryWriter alice({registry.host(), "alice", "s3cret"});
    EXPECT_EQ(alice.get_manifest("team/app", "v1").value().digest, pushed.digest);
}

TEST_F(HtpasswdRegistryTest, SecondRegistryServesStorageOfAStoppedFirstOne) {
    RegistryProcess plain;
    const auto pushed =
        push_small_image(plain, small_image("team/app", "v1", ManifestFormat::docker));
    plain.stop();
    RegistryOptions auth = options();
    auth.storage_dir = plain.storage_dir();
    RegistryProcess registry(auth);
    fleet::RegistryWriter alice({registry.host(), "alice", "s3cret"});
    EXPECT_EQ(alice.get_manifest("team/app", "v1").value().digest, pushed.digest);
}

// ---- TLS ----

class TlsRegistryTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    static RegistryOptions tls_options() {
        RegistryOptions options;
        options.tls = RegistryTls{pki_->server().cert, pki_->server().key, {}, std::nullopt};
        return options;
    }
    static RegistryOptions mutual_tls_options() {
        RegistryOptions options = tls_options();
        options.tls->client_cas = {pki_->ca().cert};
        options.tls->probe_client = pki_->client();
        return options;
    }

    static std::unique_ptr<TestPki> pki_;
};
std::unique_ptr<TestPki> TlsRegistryTest::pki_;

TEST_F(TlsRegistryTest, AnswersOverHttpsVerifiedWithTheCa) {
    RegistryProcess registry(tls_options());
    EXPECT_EQ(registry.base_url(), "https://" + registry.host());
    FetchRequest request = get(registry.base_url() + "/v2/");
    request.ca_file = pki_->ca().cert;
    EXPECT_EQ(status_of(request), 200);
}

TEST_F(TlsRegistryTest, UnrelatedCaFailsVerification) {
    RegistryProcess registry(tls_options());
    FetchRequest request = get(registry.base_url() + "/v2/");
    request.ca_file = pki_->other_ca().cert;
    const auto response = fetch(request);
    ASSERT_FALSE(response.has_value());
    EXPECT_EQ(response.error().kind, ErrorKind::tls);
}

TEST_F(TlsRegistryTest, ClientCasRequireAClientCertificate) {
    RegistryProcess registry(mutual_tls_options());
    FetchRequest request = get(registry.base_url() + "/v2/");
    request.ca_file = pki_->ca().cert;
    EXPECT_FALSE(fetch(request).has_value());
    request.client_cert = pki_->client().cert;
    request.client_key = pki_->client().key;
    EXPECT_EQ(status_of(request), 200);
}

// ---- token auth ----

class TokenRegistryTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    void SetUp() override {
        TokenServerOptions options;
        options.signer = pki_->token_signer();
        options.users["reader"] = TokenUser{"pw", {{"repository", "team/.*", {"pull"}}}};
        options.users["writer"] = TokenUser{"pw", {{"repository", "team/.*", {"pull", "push"}}}};
        tokens_ = std::make_unique<TokenServer>(options);
        registry_ = std::make_unique<RegistryProcess>();
        pushed_ =
            push_small_image(*registry_, small_image("team/app", "v1", ManifestFormat::docker));
        RegistryOptions token_auth;
        token_auth.token = tokens_->registry_auth(pki_->token_ca().cert);
        registry_->restart(token_auth);
    }

    Expected<FetchResponse> request_token(const std::string& user, const std::string& password,
                                          const std::string& scope) {
        return fetch(get(tokens_->realm() + "?service=" + tokens_->service() + "&scope=" + scope,
                         basic_authorization(user, password)));
    }

    std::string bearer(const std::string& user, const std::string& scope) {
        const auto reply = request_token(user, "pw", scope).value();
        EXPECT_EQ(reply.status, 200) << reply.body;
        simdjson::dom::parser parser;
        return "Bearer " + std::string(std::string_view(parser.parse(reply.body)["token"]));
    }

    static std::unique_ptr<TestPki> pki_;
    std::unique_ptr<TokenServer> tokens_;
    std::unique_ptr<RegistryProcess> registry_;
    fleet::TaggedImage pushed_;
};
std::unique_ptr<TestPki> TokenRegistryTest::pki_;

TEST_F(TokenRegistryTest, AnonymousRequestIsChallengedWithTheRealmAndService) {
    const auto response = fetch(get(registry_->base_url() + "/v2/")).value();
    EXPECT_EQ(response.status, 401);
    const auto challenge = response.header("www-authenticate");
    EXPECT_NE(challenge.find("Bearer realm=\"" + tokens_->realm() + "\""), std::string::npos)
        << challenge;
    EXPECT_NE(challenge.find("service=\"" + tokens_->service() + "\""), std::string::npos);
}

TEST_F(TokenRegistryTest, IssuedTokenIsAcceptedForBaseEndpoint) {
    EXPECT_EQ(status_of(get(registry_->base_url() + "/v2/", bearer("reader", ""))), 200);
}

TEST_F(TokenRegistryTest, PullScopeTokenPullsTheManifest) {
    FetchRequest request = get(registry_->base_url() + "/v2/team/app/manifests/v1",
                               bearer("reader", "repository:team/app:pull"));
    // Without it the registry would down-convert to schema 1.
    request.headers.emplace_back("Accept", fleet::media_type::docker_manifest);
    const auto response = fetch(request).value();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("docker-content-digest"), pushed_.digest);
}

TEST_F(TokenRegistryTest, PushIsDeniedWhenPushWasNotGranted) {
    FetchRequest start_upload = get(registry_->base_url() + "/v2/team/app/blobs/uploads/",
                                    bearer("reader", "repository:team/app:pull,push"));
    start_upload.method = "POST";
    const auto response = fetch(start_upload).value();
    EXPECT_EQ(response.status, 401);
    EXPECT_NE(response.header("www-authenticate").find("insufficient_scope"), std::string::npos);
}

TEST_F(TokenRegistryTest, PushIsAllowedWhenPushWasGranted) {
    FetchRequest start_upload = get(registry_->base_url() + "/v2/team/app/blobs/uploads/",
                                    bearer("writer", "repository:team/app:pull,push"));
    start_upload.method = "POST";
    EXPECT_EQ(status_of(start_upload), 202);
}

TEST_F(TokenRegistryTest, TokenForAnotherRepositoryDoesNotPull) {
    const auto token = bearer("reader", "repository:team/other:pull");
    EXPECT_EQ(status_of(get(registry_->base_url() + "/v2/team/app/manifests/v1", token)), 401);
}

TEST_F(TokenRegistryTest, TokenSignedUnderAnUntrustedCaIsRefused) {
    TokenServerOptions rogue_options;
    rogue_options.signer =
        pki_->issue("rogue-signer", pki_->other_ca(), {"keyUsage=critical,digitalSignature"},
                    KeyAlgorithm::rsa_2048);
    rogue_options.users["reader"] = TokenUser{"pw", {{"repository", "team/.*", {"pull"}}}};
    TokenServer rogue(rogue_options);
    const auto reply =
        fetch(get(rogue.realm() + "?service=" + rogue.service() + "&scope=repository:team/app:pull",
                  basic_authorization("reader", "pw")))
            .value();
    simdjson::dom::parser parser;
    const std::string token{std::string_view(parser.parse(reply.body)["token"])};
    EXPECT_EQ(status_of(get(registry_->base_url() + "/v2/", "Bearer " + token)), 401);
}

TEST_F(TokenRegistryTest, WrongPasswordGets401FromTheTokenServer) {
    EXPECT_EQ(request_token("reader", "wrong", "repository:team/app:pull").value().status, 401);
    EXPECT_EQ(request_token("nobody", "pw", "repository:team/app:pull").value().status, 401);
}

TEST_F(TokenRegistryTest, CountsRequestsServed) {
    request_token("reader", "pw", "repository:team/app:pull").value();
    request_token("reader", "wrong", "repository:team/app:pull").value();
    EXPECT_EQ(tokens_->requests_served(), 2u);
}

// ---- token decisions, no sockets ----

TEST(TokenIssuerTest, ParsesScopeWhoseNameContainsAColon) {
    EXPECT_EQ(parse_scope("repository:host:5000/app:pull,push"),
              (ResourceScope{"repository", "host:5000/app", {"pull", "push"}}));
    EXPECT_FALSE(parse_scope("repository-only").has_value());
}

TEST(TokenIssuerTest, GrantsOnlyTheIntersectionOfRequestedAndAllowed) {
    const std::vector<AccessRule> rules{{"repository", "team/.*", {"pull"}}};
    EXPECT_EQ(grant_access(rules, {{"repository", "team/app", {"pull", "push"}},
                                   {"repository", "other/app", {"pull"}}}),
              (std::vector<ResourceScope>{{"repository", "team/app", {"pull"}}}));
}

}  // namespace
}  // namespace regmigrate::testing
