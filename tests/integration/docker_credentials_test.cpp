// docker's conventions, end to end through `regmigrate copy`: credentials from config.json
// (base64 `auth`, `identitytoken`), from credential helpers (`credsStore`, `credHelpers` per
// host, as scripts on PATH), their order against flags and the environment; loopback
// registries reached without any --*-tls flag; and no secret in any output.
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"
#include "transport/base64.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;
namespace fs = std::filesystem;

// Distinctive, so finding one anywhere in an output means it leaked.
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "Pw-docker-4b7e91-secret";
constexpr const char* kDestinationPassword = "Pw-dest-2c55a0-secret";
constexpr const char* kIdentityToken = "IdTok-8d02f6e1-refresh";

std::string auth_field(const std::string& user, const std::string& password) {
    return base64_encode(user + ":" + password);
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Where the CLI finds docker's files: DOCKER_CONFIG (and HOME) point at a private dir,
// and helper scripts go first on PATH.
class DockerHome {
  public:
    void write_config(const std::string& json) const {
        std::ofstream(dir_.path() / "config.json") << json;
    }

    // docker-credential-NAME answering `get` for `host` only, as docker's helpers do.
    void add_helper(const std::string& name, const std::string& host, const std::string& user,
                    const std::string& secret) const {
        const auto file = bin_ / ("docker-credential-" + name);
        std::ofstream(file)
            << "#!/bin/sh\n"
            << "[ \"$1\" = get ] || exit 2\n"
            << "read url\n"
            << "if [ \"$url\" = \"" << host << "\" ]; then\n"
            << "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}\\n'"
            << " \"$url\" '" << user << "' '" << secret << "'\n"
            << "else\n"
            << "  echo 'credentials not found in native keychain'; exit 1\n"
            << "fi\n";
        fs::permissions(file, fs::perms::owner_all);
    }

    std::map<std::string, std::string> env() const {
        const char* path = std::getenv("PATH");
        return {{"DOCKER_CONFIG", dir_.path().string()},
                {"HOME", dir_.path().string()},
                {"PATH", bin_.string() + ":" + (path ? path : "/usr/bin:/bin")}};
    }

  private:
    TempDir dir_{"regmigrate-docker-config"};
    fs::path bin_ = [this] {
        const auto bin = dir_.path() / "bin";
        fs::create_directories(bin);
        return bin;
    }();
};

// ---- htpasswd registries, credentials from config.json and helpers ----

class DockerConfigCredentialsTest : public ::testing::Test {
  protected:
    static RegistryOptions htpasswd(const std::string& password) {
        RegistryOptions options;
        options.htpasswd_users = {{kUser, password}};
        return options;
    }

    void SetUp() override {
        pushed_ =
            push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
        source_.restart(htpasswd(kPassword));
    }

    CopyOutcome copy(std::vector<std::string> options = {},
                     std::map<std::string, std::string> extra_env = {}) {
        const auto plain = plain_http();
        options.insert(options.begin(), plain.begin(), plain.end());
        auto env = home_.env();
        env.merge(extra_env);
        return cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                         options, env);
    }

    std::string copied_digest(const std::string& password = "") {
        return served_digest(destination_.host(), "mirror/app", "v1", password.empty() ? "" : kUser,
                             password);
    }

    std::string auths_config(const std::string& password) const {
        return R"({"auths": {")" + source_.host() + R"(": {"auth": ")" +
               auth_field(kUser, password) + R"("}}})";
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    DockerHome home_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};

TEST_F(DockerConfigCredentialsTest, AuthsEntryAuthenticatesThePull) {
    home_.write_config(auths_config(kPassword));
    const auto run = copy();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, AuthsEntryUnderAUrlKeyAuthenticatesThePull) {
    home_.write_config(R"({"auths": {"http://)" + source_.host() + R"(/v2/": {"auth": ")" +
                       auth_field(kUser, kPassword) + R"("}}})");
    const auto run = copy();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, CredsStoreHelperAuthenticatesThePull) {
    home_.add_helper("teststore", source_.host(), kUser, kPassword);
    home_.write_config(R"({"credsStore": "teststore"})");
    const auto run = copy();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, CredHelpersPickOneHelperPerRegistry) {
    destination_.restart(htpasswd(kDestinationPassword));
    home_.add_helper("for-source", source_.host(), kUser, kPassword);
    home_.add_helper("for-destination", destination_.host(), kUser, kDestinationPassword);
    // credsStore names no installed helper: using it for either host would fail the run.
    home_.write_config(R"({"credsStore": "not-installed", "credHelpers": {")" + source_.host() +
                       R"(": "for-source", ")" + destination_.host() + R"(": "for-destination"}})");
    const auto run = copy();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(kDestinationPassword), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, HelperWithoutCredentialsLeavesTheRunAnonymous) {
    home_.add_helper("empty", "some-other-host.example", kUser, kPassword);
    home_.write_config(R"({"credsStore": "empty"})");
    const auto run = copy();
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("docker-credential-empty"), std::string::npos) << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(DockerConfigCredentialsTest, FlagWinsOverDockerConfig) {
    home_.write_config(auths_config("not-the-password"));
    const auto run = copy({"--src-creds", std::string(kUser) + ":" + kPassword});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, EnvironmentWinsOverDockerConfig) {
    home_.write_config(auths_config("not-the-password"));
    const auto run = copy({}, {{"REGMIGRATE_SRC_CREDS", std::string(kUser) + ":" + kPassword}});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(DockerConfigCredentialsTest, MalformedConfigIsAUsageErrorNamingTheFileNotTheSecret) {
    const std::string bad_auth = base64_encode(std::string(kPassword) + "-no-colon");
    home_.write_config(R"({"auths": {")" + source_.host() + R"(": {"auth": ")" + bad_auth +
                       R"("}}})");
    const auto run = copy();
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("config.json"), std::string::npos) << run.cli.describe();
    EXPECT_EQ(run.cli.err.find(bad_auth), std::string::npos) << run.cli.describe();
    EXPECT_EQ(run.cli.err.find(kPassword), std::string::npos) << run.cli.describe();
}

// ---- identity tokens at a token server ----

class IdentityTokenTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    void SetUp() override {
        TokenServerOptions options;
        options.signer = pki_->token_signer();
        options.users["puller"] = TokenUser{"pull-pw", {{"repository", "team/.*", {"pull"}}}};
        options.refresh_tokens[kIdentityToken] = "puller";
        tokens_ = std::make_unique<TokenServer>(options);
        pushed_ = push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
        RegistryOptions token_auth;
        token_auth.token = tokens_->registry_auth(pki_->token_ca().cert);
        source_.restart(token_auth);
    }

    CopyOutcome copy_with_identity_token(const std::string& token,
                                         std::vector<std::string> options = {}) {
        home_.write_config(R"({"auths": {")" + source_.host() +
                           R"(": {"username": "puller", "identitytoken": ")" + token + R"("}}})");
        const auto plain = plain_http();
        options.insert(options.begin(), plain.begin(), plain.end());
        return cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                         options, home_.env());
    }

    std::string copied_digest() { return served_digest(destination_.host(), "mirror/app", "v1"); }

    static std::unique_ptr<TestPki> pki_;
    std::unique_ptr<TokenServer> tokens_;
    RegistryProcess source_;
    RegistryProcess destination_;
    DockerHome home_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};
std::unique_ptr<TestPki> IdentityTokenTest::pki_;

TEST_F(IdentityTokenTest, IdentityTokenIsExchangedForAccessAtTheTokenServer) {
    const auto run = copy_with_identity_token(kIdentityToken);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_GT(tokens_->requests_served(), 0u);
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(IdentityTokenTest, UnknownIdentityTokenIsRefused) {
    const auto run = copy_with_identity_token("IdTok-unknown");
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("credentials for puller refused"), std::string::npos)
        << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

// ---- loopback registries without --*-tls flags ----

class LoopbackTlsDefaultTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    static RegistryOptions tls() {
        RegistryOptions options;
        options.tls = RegistryTls{pki_->server().cert, pki_->server().key, {}, std::nullopt};
        return options;
    }

    std::string copied_digest() { return served_digest(destination_.host(), "mirror/app", "v1"); }

    static std::unique_ptr<TestPki> pki_;
    RegistryProcess source_;
    RegistryProcess destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
};
std::unique_ptr<TestPki> LoopbackTlsDefaultTest::pki_;

TEST_F(LoopbackTlsDefaultTest, TlsSourceWithUnknownCaAndPlainDestinationNeedNoFlags) {
    const auto pushed =
        push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    source_.restart(tls());  // its CA is in no certs dir: only unverified TLS reaches it
    const auto run =
        cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1");
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed.digest);
}

TEST_F(LoopbackTlsDefaultTest, ExplicitTlsFlagStillVerifies) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    source_.restart(tls());
    const auto run = cli_.copy(source_.host() + "/team/app:v1",
                               destination_.host() + "/mirror/app:v1", {"--src-tls", "enabled"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(LoopbackTlsDefaultTest, ExplicitDisabledFlagDoesNotFallBackToTls) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    source_.restart(tls());
    const auto run = cli_.copy(source_.host() + "/team/app:v1",
                               destination_.host() + "/mirror/app:v1", plain_http());
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

// ---- secrets never leak ----

// Every secret a run used, searched for in its stdout, stderr, report and metrics file.
void expect_no_secret_in(const CopyOutcome& run, const fs::path& metrics_file,
                         const std::vector<std::string>& secrets) {
    ASSERT_TRUE(run.report) << run.report.error().message << "\n" << run.cli.describe();
    const std::string metrics = read_text(metrics_file);
    EXPECT_FALSE(metrics.empty()) << "no metrics written to " << metrics_file;
    for (const auto& secret : secrets) {
        EXPECT_EQ(run.cli.out.find(secret), std::string::npos) << secret << run.cli.describe();
        EXPECT_EQ(run.cli.err.find(secret), std::string::npos) << secret << run.cli.describe();
        EXPECT_EQ(run.report->text.find(secret), std::string::npos) << secret;
        EXPECT_EQ(metrics.find(secret), std::string::npos) << secret;
    }
}

TEST_F(DockerConfigCredentialsTest, NoSecretFromDockerConfigOrHelpersAppearsInAnyOutput) {
    TempDir outputs("regmigrate-secret-outputs");
    const std::string wrong = std::string(kPassword) + "-wrong";
    const std::vector<std::string> secrets{kPassword, auth_field(kUser, kPassword), wrong,
                                           auth_field(kUser, wrong)};
    int index = 0;
    const auto checked_run = [&](const std::vector<std::string>& log_format) {
        const auto metrics = outputs.path() / ("metrics-" + std::to_string(++index) + ".prom");
        auto options = log_format;
        options.insert(options.end(), {"--metrics-file", metrics.string()});
        const auto run = copy(options);
        expect_no_secret_in(run, metrics, secrets);
        return run.cli.exit_code;
    };
    home_.write_config(auths_config(kPassword));
    EXPECT_EQ(checked_run({"--log-format", "json"}), 0);
    // Wrong secrets: --no-preflight, so that the image fails and a report and metrics are
    // written to be searched; the preflight's refusal is searched below.
    home_.write_config(auths_config(wrong));
    EXPECT_EQ(checked_run({"--no-preflight"}), 1);
    const auto refused = copy();
    EXPECT_EQ(refused.cli.exit_code, 2) << refused.cli.describe();
    for (const auto& secret : secrets) {
        EXPECT_EQ(refused.cli.out.find(secret), std::string::npos) << secret;
        EXPECT_EQ(refused.cli.err.find(secret), std::string::npos) << secret;
    }
    home_.add_helper("teststore", source_.host(), kUser, wrong);
    home_.write_config(R"({"credsStore": "teststore"})");
    EXPECT_EQ(checked_run({"--no-preflight", "--log-format", "json"}), 1);
}

TEST_F(IdentityTokenTest, IdentityTokenAppearsInNoOutput) {
    TempDir outputs("regmigrate-secret-outputs");
    const auto metrics = outputs.path() / "metrics.prom";
    const auto good = copy_with_identity_token(
        kIdentityToken, {"--log-format", "json", "--metrics-file", metrics.string()});
    EXPECT_EQ(good.cli.exit_code, 0) << good.cli.describe();
    expect_no_secret_in(good, metrics, {kIdentityToken});
    const std::string wrong = std::string(kIdentityToken) + "-wrong";
    const auto refused =
        copy_with_identity_token(wrong, {"--no-preflight", "--metrics-file", metrics.string()});
    EXPECT_EQ(refused.cli.exit_code, 1) << refused.cli.describe();
    expect_no_secret_in(refused, metrics, {kIdentityToken, wrong});
    const auto preflight = copy_with_identity_token(wrong);
    EXPECT_EQ(preflight.cli.exit_code, 2) << preflight.cli.describe();
    for (const std::string secret : {std::string(kIdentityToken), wrong}) {
        EXPECT_EQ(preflight.cli.out.find(secret), std::string::npos) << secret;
        EXPECT_EQ(preflight.cli.err.find(secret), std::string::npos) << secret;
    }
}

}  // namespace
}  // namespace regmigrate::testing
