// Amazon ECR as a destination, against our fake ECR API (tests/support/ecr_fake.hpp) and a
// real docker-registry behind htpasswd standing in for ACCOUNT.dkr.ecr.REGION.amazonaws.com:
// the SigV4-signed GetAuthorizationToken yields the Basic login the registry accepts,
// repositories are created once each, and bad keys are refused clearly.
#include "engine/copy/ecr_repository_creator.hpp"
#include "engine/copy/image_copier.hpp"
#include "registry/ecr/ecr_api.hpp"
#include "tests/support/ecr_fake.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/sample_images.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;
using registry::AwsCredentials;
using registry::EcrApi;
using registry::EcrApiOptions;

constexpr const char* kRegistryPassword = "ecr-Pw-5d0a7b19-token";
constexpr const char* kWrongSecret = "Wrong-Secret-9e41-not-this-one";

class EcrTest : public ::testing::Test {
  protected:
    static std::shared_ptr<transport::HttpClient> plain_http_client(asio::io_context& io) {
        transport::ClientOptions options;
        options.tls.mode = transport::TlsMode::disabled;
        return transport::HttpClient::create(io.get_executor(), options).value();
    }

    static RegistryOptions htpasswd() {
        RegistryOptions options;
        options.htpasswd_users = {{"AWS", kRegistryPassword}};
        return options;
    }

    EcrFakeOptions fake_options() const {
        EcrFakeOptions options;
        options.registry_password = kRegistryPassword;
        options.proxy_endpoint = destination_.base_url();
        return options;
    }

    EcrApiOptions api_options(const EcrFakeOptions& fake, const EcrFake& server) const {
        EcrApiOptions options;
        options.endpoint = boost::urls::url(server.endpoint());
        options.region = fake.region;
        options.credentials =
            AwsCredentials{fake.access_key_id, fake.secret_access_key, fake.session_token};
        return options;
    }

    asio::io_context io_;
    std::shared_ptr<transport::HttpClient> http_ = plain_http_client(io_);
    RegistryProcess destination_{htpasswd()};
    EcrFakeOptions fake_options_ = fake_options();
    EcrFake fake_{fake_options_};
    EcrApi api_{http_, api_options(fake_options_, fake_)};
};

TEST_F(EcrTest, TokenFromGetAuthorizationTokenAuthorizesAPushToTheRegistry) {
    RegistryProcess source;
    const auto pushed =
        push_image(source.host(), sample_image("team/app", "v1", fleet::ManifestFormat::docker));

    const auto authorization = run_coro(io_, api_.get_authorization_token());
    ASSERT_TRUE(authorization) << authorization.error().message;
    const registry::Credentials& credentials = authorization->credentials;
    EXPECT_EQ(credentials.username, "AWS");

    registry::RegistryClient from(http_, source.host(), {});
    registry::RegistryClient to(http_, destination_.host(), credentials);
    engine::BlobLedger ledger;
    engine::TransferLimiter limiter(4, 1ull << 30);
    metrics::Metrics metrics;
    engine::ImageCopier copier(ledger, limiter, metrics, {});
    engine::RegistryImageSource source_repository(from, "team/app");
    engine::RegistryImageSink destination_repository(to, "team/app");
    const auto digest =
        run_coro(io_, copier.copy(source_repository, "v1", destination_repository, "v1"));
    ASSERT_TRUE(digest) << digest.error().message;
    EXPECT_EQ(*digest, pushed.digest);

    fleet::RegistryWriter reader({destination_.host(), "AWS", kRegistryPassword});
    EXPECT_EQ(reader.get_manifest("team/app", "v1").value().digest, pushed.digest);
}

TEST_F(EcrTest, RegistryRefusesThePushWithoutTheToken) {
    registry::RegistryClient to(http_, destination_.host(), {});
    const auto listed = run_coro(io_, to.list_tags("team/app"));
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().kind, ErrorKind::unauthorized) << listed.error().message;
}

TEST_F(EcrTest, CreateRepositoryIsCalledOncePerRepository) {
    engine::EcrRepositoryCreator creator;
    for (const char* name : {"team/app", "team/app", "team/db", "team/app"}) {
        const auto ensured = run_coro(io_, creator.ensure_repository(api_, name));
        ASSERT_TRUE(ensured) << ensured.error().message;
    }
    const auto calls = fake_.state().create_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].repository, "team/app");
    EXPECT_EQ(calls[1].repository, "team/db");
}

TEST_F(EcrTest, ConcurrentCallersForOneRepositoryShareOneCreateRepository) {
    engine::EcrRepositoryCreator creator;
    int ensured = 0;
    const auto ensure = [&]() -> asio::awaitable<void> {
        if (co_await creator.ensure_repository(api_, "team/app"))
            ++ensured;
    };
    // The two spawned callers start while this one's CreateRepository is on the wire.
    const auto all = [&]() -> asio::awaitable<Expected<void>> {
        asio::co_spawn(io_, ensure(), asio::detached);
        asio::co_spawn(io_, ensure(), asio::detached);
        co_await ensure();
        co_return Expected<void>{};
    };
    ASSERT_TRUE(run_coro(io_, all()));
    io_.poll();
    EXPECT_EQ(ensured, 3);
    EXPECT_EQ(fake_.state().create_calls.size(), 1u);
}

TEST_F(EcrTest, RepositoryThatAlreadyExistsCountsAsEnsured) {
    ASSERT_TRUE(run_coro(io_, engine::EcrRepositoryCreator().ensure_repository(api_, "x/y")));
    const auto again = run_coro(io_, api_.create_repository("x/y", {}));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again, registry::CreateRepositoryOutcome::already_existed);
    EXPECT_TRUE(run_coro(io_, engine::EcrRepositoryCreator().ensure_repository(api_, "x/y")));
}

TEST_F(EcrTest, RepositorySettingsReachCreateRepository) {
    registry::EcrRepositorySettings settings;
    settings.image_tag_mutability = "IMMUTABLE";
    settings.scan_on_push = true;
    settings.encryption_type = "AES256";
    engine::EcrRepositoryCreator creator(settings);
    ASSERT_TRUE(run_coro(io_, creator.ensure_repository(api_, "team/app")));
    const auto calls = fake_.state().create_calls;
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].image_tag_mutability, "IMMUTABLE");
    EXPECT_EQ(calls[0].scan_on_push, true);
    EXPECT_EQ(calls[0].encryption_type, "AES256");
}

TEST_F(EcrTest, WrongSecretIsRefusedAsAnInvalidSignatureWithoutEchoingIt) {
    auto options = api_.options();
    options.credentials.secret_access_key = kWrongSecret;
    EcrApi wrong(http_, options);
    const auto token = run_coro(io_, wrong.get_authorization_token());
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::unauthorized);
    EXPECT_NE(token.error().message.find("InvalidSignatureException"), std::string::npos)
        << token.error().message;
    EXPECT_EQ(token.error().message.find(kWrongSecret), std::string::npos);
    EXPECT_EQ(fake_.state().tokens_issued, 0u);
}

TEST_F(EcrTest, UnknownAccessKeyIsRefused) {
    auto options = api_.options();
    options.credentials.access_key_id = "AKIDUNKNOWN";
    EcrApi unknown(http_, options);
    const auto created = run_coro(io_, unknown.create_repository("team/app", {}));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().kind, ErrorKind::unauthorized) << created.error().message;
    EXPECT_TRUE(fake_.state().create_calls.empty());
}

TEST_F(EcrTest, SigningForAnotherRegionIsRefused) {
    auto options = api_.options();
    options.region = "eu-west-1";
    EcrApi elsewhere(http_, options);
    const auto token = run_coro(io_, elsewhere.get_authorization_token());
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::unauthorized) << token.error().message;
}

TEST_F(EcrTest, ClockSkewBeyondFifteenMinutesIsRefused) {
    auto options = api_.options();
    options.clock = [] { return std::chrono::system_clock::now() - std::chrono::minutes(20); };
    EcrApi late(http_, options);
    const auto token = run_coro(io_, late.get_authorization_token());
    ASSERT_FALSE(token);
    EXPECT_NE(token.error().message.find("expired"), std::string::npos) << token.error().message;
}

class EcrSessionTokenTest : public EcrTest {};

TEST_F(EcrSessionTokenTest, SessionTokenIsSentAndSigned) {
    EcrFakeOptions options = fake_options();
    options.session_token = "FQoGZXIvYXdzEXAMPLE-session";
    EcrFake with_token(options);
    EcrApi api(http_, api_options(options, with_token));
    const auto token = run_coro(io_, api.get_authorization_token());
    ASSERT_TRUE(token) << token.error().message;

    auto without = api.options();
    without.credentials.session_token.clear();
    const auto refused = run_coro(io_, EcrApi(http_, without).get_authorization_token());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::unauthorized) << refused.error().message;
}

}  // namespace
}  // namespace regmigrate::testing
