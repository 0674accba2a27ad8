// `regmigrate copy` against registries that authenticate: htpasswd (Basic) and
// distribution token auth served by our TokenServer. Credentials come from flags or the
// environment, failures say why in one line, and a password is never echoed.
#include "tests/support/image_contents.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

constexpr const char* kUser = "alice";
// Distinctive, so finding it anywhere in the output means it was echoed.
constexpr const char* kPassword = "Pw-9f31c7e2-secret";

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool mentions_any(const std::string& text, std::initializer_list<const char*> words) {
    const std::string lower = lowercase(text);
    return std::any_of(words.begin(), words.end(),
                       [&](const char* word) { return lower.find(word) != std::string::npos; });
}

// ---- htpasswd ----

class CopyHtpasswdTest : public ::testing::Test {
  protected:
    static RegistryOptions htpasswd() {
        RegistryOptions options;
        options.htpasswd_users = {{kUser, kPassword}};
        return options;
    }

    void SetUp() override {
        pushed_ =
            push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
        source_.restart(htpasswd());
    }

    CopyOutcome copy(std::vector<std::string> options,
                     const std::map<std::string, std::string>& env = {}) {
        const auto plain = plain_http();
        options.insert(options.begin(), plain.begin(), plain.end());
        return cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                         options, env);
    }

    std::string copied_digest() {
        auto manifest = destination_reader_.get_manifest("mirror/app", "v1");
        return manifest ? manifest->digest : "";
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    fleet::RegistryWriter destination_reader_{{destination_.host()}};
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};

TEST_F(CopyHtpasswdTest, SourceCredentialsFlagAuthenticatesThePull) {
    const auto run = copy({"--src-creds", std::string(kUser) + ":" + kPassword});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(CopyHtpasswdTest, MissingCredentialsFailWithOneLineAboutAuthentication) {
    const auto run = copy({});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const auto lines = run.cli.error_lines();
    ASSERT_EQ(lines.size(), 1u) << run.cli.describe();
    // "auth": authentication, unauthorized, basic auth...
    EXPECT_TRUE(mentions_any(lines.front(), {"auth"})) << lines.front();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(CopyHtpasswdTest, WrongPasswordFails) {
    const auto run = copy({"--src-creds", std::string(kUser) + ":not-the-password"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("credentials for alice refused"), std::string::npos)
        << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(CopyHtpasswdTest, CredentialsFromTheEnvironmentAuthenticateThePull) {
    const auto run = copy({}, {{"REGMIGRATE_SRC_CREDS", std::string(kUser) + ":" + kPassword}});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(CopyHtpasswdTest, DestinationCredentialsAuthenticateThePush) {
    destination_.restart(htpasswd());
    const auto run = copy({"--src-creds", std::string(kUser) + ":" + kPassword, "--dest-creds",
                           std::string(kUser) + ":" + kPassword});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    fleet::RegistryWriter reader({destination_.host(), kUser, kPassword});
    EXPECT_EQ(reader.get_manifest("mirror/app", "v1").value().digest, pushed_.digest);
}

// ---- secrets out of argv: --src-creds-file / --dest-creds-file ----

TEST_F(CopyHtpasswdTest, SourceCredentialsFileAuthenticatesThePullWithoutAWarning) {
    TempDir secrets("regmigrate-creds");
    const auto file = secrets.path() / "src";
    std::ofstream(file) << kUser << ':' << kPassword << '\n';
    const auto run = copy({"--src-creds-file", file.string()});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
    EXPECT_EQ(run.cli.err.find("process list"), std::string::npos) << run.cli.describe();
}

TEST_F(CopyHtpasswdTest, DestinationCredentialsFromStandardInputAuthenticateThePush) {
    destination_.restart(htpasswd());
    TempDir secrets("regmigrate-creds");
    const auto file = secrets.path() / "creds";
    std::ofstream(file) << kUser << ':' << kPassword << '\n';
    CliInvocation invocation;
    invocation.args = {"copy",
                       source_.host() + "/team/app:v1",
                       destination_.host() + "/mirror/app:v1",
                       "--src-tls",
                       "disabled",
                       "--dest-tls",
                       "disabled",
                       "--certs-dir",
                       cli_.certs_dir().string(),
                       "--src-creds-file",
                       file.string(),
                       "--dest-creds-file",
                       "-"};
    invocation.stdin_file = file;
    const auto run = run_cli(REGMIGRATE_BINARY, invocation);
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    fleet::RegistryWriter reader({destination_.host(), kUser, kPassword});
    EXPECT_EQ(reader.get_manifest("mirror/app", "v1").value().digest, pushed_.digest);
}

TEST_F(CopyHtpasswdTest, BothCredentialFilesOnStandardInputIsAUsageError) {
    const auto run = copy({"--src-creds-file", "-", "--dest-creds-file", "-"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("standard input"), std::string::npos) << run.cli.describe();
}

TEST_F(CopyHtpasswdTest, UnreadableCredentialsFileExitsTwoNamingIt) {
    const std::string missing = "/nonexistent/regmigrate-test/src-creds";
    const auto run = copy({"--src-creds-file", missing});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const auto lines = run.cli.error_lines();
    ASSERT_EQ(lines.size(), 1u) << run.cli.describe();
    EXPECT_NE(lines.front().find(missing), std::string::npos) << lines.front();
}

TEST_F(CopyHtpasswdTest, PasswordOnTheCommandLineIsWarnedAboutWithoutPrintingIt) {
    const auto run = copy({"--src-creds", std::string(kUser) + ":" + kPassword});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("--src-creds-file"), std::string::npos) << run.cli.describe();
    EXPECT_EQ(run.cli.err.find(kPassword), std::string::npos) << run.cli.describe();
}

TEST_F(CopyHtpasswdTest, PasswordNeverAppearsInOutputOrReport) {
    const std::string wrong_password = std::string(kPassword) + "-wrong";
    // Refused credentials stop the preflight (no report); --no-preflight lets the image
    // fail and be reported, so the report is searched too.
    const auto refused = copy({"--src-creds", std::string(kUser) + ":" + wrong_password});
    EXPECT_EQ(refused.cli.exit_code, 2) << refused.cli.describe();
    EXPECT_EQ(refused.cli.out.find(kPassword), std::string::npos) << refused.cli.describe();
    EXPECT_EQ(refused.cli.err.find(kPassword), std::string::npos) << refused.cli.describe();
    const std::vector<CopyOutcome> runs{
        copy({"--src-creds", std::string(kUser) + ":" + kPassword}),
        copy({"--no-preflight", "--src-creds", std::string(kUser) + ":" + wrong_password}),
        copy({"--src-creds", std::string(kUser) + ":" + kPassword, "--log-format", "json"}),
        copy({"--no-preflight"},
             {{"REGMIGRATE_SRC_CREDS", std::string(kUser) + ":" + wrong_password}}),
    };
    for (const auto& run : runs) {
        EXPECT_EQ(run.cli.out.find(kPassword), std::string::npos) << run.cli.describe();
        EXPECT_EQ(run.cli.err.find(kPassword), std::string::npos) << run.cli.describe();
        ASSERT_TRUE(run.report) << run.report.error().message;
        EXPECT_EQ(run.report->text.find(kPassword), std::string::npos) << run.report->text;
    }
}

// ---- token auth ----

class CopyTokenAuthTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    void SetUp() override {
        TokenServerOptions options;
        options.signer = pki_->token_signer();
        options.users["puller"] = TokenUser{"pull-pw", {{"repository", "team/.*", {"pull"}}}};
        options.users["pusher"] =
            TokenUser{"push-pw", {{"repository", "mirror/.*", {"pull", "push"}}}};
        options.users["viewer"] = TokenUser{"view-pw", {{"repository", ".*", {"pull"}}}};
        tokens_ = std::make_unique<TokenServer>(options);
        source_ = std::make_unique<RegistryProcess>();
        destination_ = std::make_unique<RegistryProcess>(token_auth());
        pushed_ =
            push_image(source_->host(), sample_image("team/app", "v1", ManifestFormat::oci, 2));
        source_->restart(token_auth());
    }

    RegistryOptions token_auth() const {
        RegistryOptions options;
        options.token = tokens_->registry_auth(pki_->token_ca().cert);
        return options;
    }

    CopyOutcome copy_as(const std::string& destination_creds) {
        auto options = plain_http();
        options.insert(options.end(),
                       {"--src-creds", "puller:pull-pw", "--dest-creds", destination_creds});
        return cli_.copy(source_->host() + "/team/app:v1", destination_->host() + "/mirror/app:v1",
                         options);
    }

    // Token-auth registries refuse our Basic-only reader: read the destination's storage
    // through a plain registry instead.
    Expected<fleet::StoredManifest> copied_manifest() {
        destination_->restart(RegistryOptions{});
        return fleet::RegistryWriter({destination_->host()}).get_manifest("mirror/app", "v1");
    }

    static std::unique_ptr<TestPki> pki_;
    std::unique_ptr<TokenServer> tokens_;
    std::unique_ptr<RegistryProcess> source_;
    std::unique_ptr<RegistryProcess> destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};
std::unique_ptr<TestPki> CopyTokenAuthTest::pki_;

TEST_F(CopyTokenAuthTest, TokensFromTheTokenServerAuthorizePullAndPush) {
    const auto run = copy_as("pusher:push-pw");
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_GT(tokens_->requests_served(), 0u);
    const auto copied = copied_manifest();
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_EQ(copied->digest, pushed_.digest);
}

TEST_F(CopyTokenAuthTest, UserWithoutPushOnTheDestinationIsRefusedClearly) {
    const auto run = copy_as("viewer:view-pw");
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_TRUE(mentions_any(run.cli.err, {"no push permission on mirror/app for viewer"}))
        << run.cli.describe();
    EXPECT_FALSE(run.report) << "the preflight refused: no image was tried";
    EXPECT_FALSE(copied_manifest());
}

TEST_F(CopyTokenAuthTest, WithoutPreflightTheRefusedPushIsTheImagesFailure) {
    auto options = plain_http();
    options.insert(options.end(), {"--no-preflight", "--src-creds", "puller:pull-pw",
                                   "--dest-creds", "viewer:view-pw"});
    const auto run = cli_.copy(source_->host() + "/team/app:v1",
                               destination_->host() + "/mirror/app:v1", options);
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    EXPECT_TRUE(mentions_any(run.cli.err, {"denied", "unauthorized", "insufficient"}))
        << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    ASSERT_EQ(run.report->images.size(), 1u);
    EXPECT_EQ(run.report->images.front().status, "failed");
    EXPECT_FALSE(copied_manifest());
}

}  // namespace
}  // namespace regmigrate::testing
