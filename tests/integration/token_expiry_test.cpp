// Bearer tokens that expire in the middle of a run, against a real docker-registry in token
// auth mode and our TokenServer issuing 2-second tokens. The source sits behind a
// faultproxy that holds its blob answers for seconds, so every blob's PUT starts well after
// the token the upload began with was issued: a run of many seconds completes only when
// tokens are renewed before they expire (and, when the registry stops taking one early,
// when the refused blob is sent again with a fresh one).
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace regmigrate::testing {
namespace {

using namespace std::chrono_literals;
using fleet::ManifestFormat;

constexpr auto kTokenLifetime = 2s;
// Longer than a token lives (and than the second its expiry may be rounded up by).
constexpr auto kSourceDelay = 4s;

class TokenExpiryTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    void SetUp() override {
        pushed_ = {push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci)),
                   push_image(source_.host(),
                              sample_image("team/app", "v2", ManifestFormat::docker, 1, 2))};
    }

    // A token server whose tokens docker-registry refuses kTokenLifetime after issue.
    static TokenServerOptions two_second_tokens() {
        TokenServerOptions options;
        options.signer = pki_->token_signer();
        options.users["pusher"] =
            TokenUser{"push-pw", {{"repository", "mirror/.*", {"pull", "push"}}}};
        options.lifetime = kTokenLifetime;
        options.registry_leeway = 60s;
        return options;
    }

    void start_destination(const TokenServerOptions& options) {
        tokens_ = std::make_unique<TokenServer>(options);
        RegistryOptions registry;
        registry.token = tokens_->registry_auth(pki_->token_ca().cert);
        destination_ = std::make_unique<RegistryProcess>(registry);
    }

    // copy SLOW_SOURCE/team/app DESTINATION/mirror/app (every tag, two blobs at a time).
    CopyOutcome copy_all_tags(const std::string& source_host) {
        auto options = plain_http();
        options.insert(options.end(), {"--dest-creds", "pusher:push-pw", "--jobs", "2"});
        return cli_.copy(source_host + "/team/app", destination_->host() + "/mirror/app", options);
    }

    // Token-auth registries refuse our Basic-only reader: read the destination's storage
    // through a plain registry instead.
    void expect_every_image_copied() {
        destination_->restart(RegistryOptions{});
        fleet::RegistryWriter reader({destination_->host()});
        for (const auto& image : pushed_) {
            const auto copied = reader.get_manifest("mirror/app", image.tag);
            ASSERT_TRUE(copied) << image.tag << ": " << copied.error().message;
            EXPECT_EQ(copied->digest, image.digest) << image.tag;
        }
    }

    static std::unique_ptr<TestPki> pki_;
    RegistryProcess source_;
    std::unique_ptr<TokenServer> tokens_;
    std::unique_ptr<RegistryProcess> destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    std::vector<fleet::TaggedImage> pushed_;
};
std::unique_ptr<TestPki> TokenExpiryTest::pki_;

TEST_F(TokenExpiryTest, TwoSecondTokensAreRenewedAcrossARunOfManySeconds) {
    start_destination(two_second_tokens());
    const std::string delay = std::to_string(std::chrono::milliseconds(kSourceDelay).count());
    FaultProxyProcess slow_source(FAULTPROXY_BINARY, source_.host(),
                                  {"latency delay-ms=" + delay +
                                   " connect-ms=1 method=GET "
                                   "path=/blobs/"});
    const auto run = copy_all_tags(slow_source.host());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_GT(run.cli.elapsed, 2 * kSourceDelay) << "the run must outlive many tokens";
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, pushed_.size());
    EXPECT_EQ(run.report->summary.images_failed, 0u);
    // At least one token per image's uploads: each was renewed, none outlived its life.
    EXPECT_GT(tokens_->requests_served(), pushed_.size());
    expect_every_image_copied();
}

TEST_F(TokenExpiryTest, ABlobWhoseTokenTheRegistryStopsTakingEarlyIsSentAgainWithAFreshOne) {
    // The server says 60 s, the registry takes its tokens for 2: the client learns of it
    // only from the 401 to a blob's streamed PUT.
    auto options = two_second_tokens();
    options.announced_lifetime = 60s;
    start_destination(options);
    // One blob's first GET is held: its PUT carries a token the registry no longer takes.
    const std::string stall = std::to_string(std::chrono::milliseconds(kSourceDelay).count());
    FaultProxyProcess slow_source(FAULTPROXY_BINARY, source_.host(),
                                  {"stall stall-ms=" + stall + " method=GET path=/blobs/ limit=1"});
    const auto run = copy_all_tags(slow_source.host());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_EQ(slow_source.injected(), 1u);
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, pushed_.size());
    expect_every_image_copied();
}

}  // namespace
}  // namespace regmigrate::testing
