// The preflight against real registries: a wrong password, a closed port, a CA nobody
// trusts and a token server that grants no push each stop the run with exit 2 and one
// line naming the registry, the side, the user and the cause, before any image is tried;
// --no-preflight (sync and migrate) lets the images fail one by one, and their identical
// failures are counted once at the end.
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/sync_cli.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/token_server.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

constexpr const char* kUser = "alice";
constexpr const char* kPassword = "Pw-5c0ffee1-secret";

std::string contents(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Whether the registry was asked for any manifest (an image was tried on it).
bool served_a_manifest(const RegistryProcess& registry) {
    return contains(contents(registry.log_file()), "/manifests/");
}

class PreflightTest : public ::testing::Test {
  protected:
    void SetUp() override {
        push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
        push_image(source_.host(), sample_image("team/app", "v2", ManifestFormat::docker, 1, 2));
        push_image(source_.host(), sample_image("team/app", "v3", ManifestFormat::oci, 1, 3));
    }

    static RegistryOptions htpasswd() {
        RegistryOptions options;
        options.htpasswd_users = {{kUser, kPassword}};
        return options;
    }

    CopyOutcome copy_to(const std::string& destination_host, std::vector<std::string> options) {
        options.insert(options.begin(), {"--src-tls", "disabled"});
        return cli_.copy(source_.host() + "/team/app:v1", destination_host + "/mirror/app:v1",
                         options);
    }

    // The one line of the failure; warnings (a password given in argv) are not failures.
    std::string the_error_line(const CliResult& run) {
        auto lines = run.error_lines();
        std::erase_if(lines, [](const std::string& line) { return contains(line, " warn "); });
        EXPECT_EQ(lines.size(), 1u) << run.describe();
        return lines.empty() ? std::string() : lines.front();
    }

    RegistryProcess source_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
};

TEST_F(PreflightTest, WrongDestinationPasswordExitsTwoNamingSideHostUserAndCause) {
    RegistryProcess destination(htpasswd());
    const auto run = copy_to(destination.host(), {"--dest-tls", "disabled", "--dest-creds",
                                                  std::string(kUser) + ":wrong-password"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const std::string line = the_error_line(run.cli);
    EXPECT_TRUE(
        contains(line, "destination " + destination.host() + ": credentials for alice refused"))
        << line;
    EXPECT_TRUE(contains(line, "HTTP 401")) << line;
    EXPECT_TRUE(contains(line, "UNAUTHORIZED")) << line;
    EXPECT_FALSE(contains(run.cli.err + run.cli.out, "wrong-password")) << run.cli.describe();
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, WrongSourcePasswordExitsTwoNamingTheSource) {
    source_.restart(htpasswd());
    RegistryProcess destination;
    const auto run = copy_to(destination.host(), {"--dest-tls", "disabled", "--src-creds",
                                                  std::string(kUser) + ":wrong-password"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const std::string line = the_error_line(run.cli);
    EXPECT_TRUE(contains(line, "source " + source_.host() + ": credentials for alice refused"))
        << line;
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, ClosedDestinationPortExitsTwoWithConnectionRefused) {
    const std::string closed = "127.0.0.1:" + std::to_string(free_loopback_port());
    const auto run = copy_to(closed, {"--dest-tls", "disabled"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const std::string line = the_error_line(run.cli);
    EXPECT_TRUE(contains(line, "destination " + closed + ": connection refused")) << line;
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, UnknownCaExitsTwoWithTheVerifyResultAndWhereTheCaGoes) {
    TestPki pki;
    RegistryOptions tls;
    tls.tls = RegistryTls{pki.server().cert, pki.server().key, {}, std::nullopt};
    RegistryProcess destination(tls);
    const auto run = copy_to(destination.host(), {"--dest-tls", "enabled"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const std::string line = the_error_line(run.cli);
    EXPECT_TRUE(contains(line, "certificate of " + destination.host() +
                                   " is not trusted: unable to get local issuer certificate"))
        << line;
    EXPECT_TRUE(contains(line, (cli_.certs_dir() / destination.host() / "ca.crt").string()))
        << line;
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, TokenWithoutPushOnTheDestinationExitsTwoNamingTheRepository) {
    TestPki pki;
    TokenServerOptions options;
    options.signer = pki.token_signer();
    options.users["viewer"] = TokenUser{"view-pw", {{"repository", ".*", {"pull"}}}};
    TokenServer tokens(options);
    RegistryOptions token_auth;
    token_auth.token = tokens.registry_auth(pki.token_ca().cert);
    RegistryProcess destination(token_auth);
    const auto run =
        copy_to(destination.host(), {"--dest-tls", "disabled", "--dest-creds", "viewer:view-pw"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const std::string line = the_error_line(run.cli);
    EXPECT_TRUE(contains(line, "destination " + destination.host() +
                                   ": no push permission on mirror/app for viewer"))
        << line;
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, PushProofLeavesNothingInTheDestinationCatalog) {
    RegistryProcess destination;
    // The preflight passes and proves push on mirror/app; the image itself does not exist.
    const auto run = cli_.copy(source_.host() + "/team/app:no-such-tag",
                               destination.host() + "/mirror/app:no-such-tag", plain_http());
    ASSERT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    EXPECT_TRUE(contains(contents(destination.log_file()), "/v2/mirror/app/blobs/uploads/"));
    const auto catalog = list_repositories(destination.host());
    ASSERT_TRUE(catalog) << catalog.error().message;
    EXPECT_TRUE(catalog->empty());
}

TEST_F(PreflightTest, SyncDryRunRunsThePreflight) {
    const std::string closed = "127.0.0.1:" + std::to_string(free_loopback_port());
    SyncCli sync(REGMIGRATE_BINARY);
    const auto run = sync.run("sync", source_.host(), closed,
                              {"--dry-run", "--src-tls", "disabled", "--dest-tls", "disabled"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_TRUE(contains(run.cli.err, "destination " + closed + ": connection refused"))
        << run.cli.describe();
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(PreflightTest, NoPreflightLetsImagesFailAndCountsIdenticalFailuresOnce) {
    RegistryProcess destination(htpasswd());
    SyncCli sync(REGMIGRATE_BINARY);
    const auto run = sync.run("sync", source_.host(), destination.host(),
                              {"--no-preflight", "--src-tls", "disabled", "--dest-tls", "disabled",
                               "--dest-creds", std::string(kUser) + ":wrong-password"});
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 3u);
    EXPECT_TRUE(contains(run.cli.err, "3 images failed: credentials refused by " +
                                          destination.host() + " (HTTP 401)"))
        << run.cli.describe();
}

// `migrate` unattended onto an htpasswd destination with a wrong V2_PASSWORD.
class MigratePreflightTest : public PreflightTest {
  protected:
    CliResult migrate(const std::vector<std::string>& options) {
        std::vector<std::string> args{"migrate", "--certs-dir", cli_.certs_dir().string()};
        args.insert(args.end(), options.begin(), options.end());
        return cli_.run(args, {{"V1_REGISTRY", source_.host()},
                               {"V2_REGISTRY", destination_.host()},
                               {"USE_HTTP", "true"},
                               {"V1_NO_LOGIN", "true"},
                               {"USER_PROMPT", "false"},
                               {"ERROR_ACTION", "skip"},
                               {"V2_USERNAME", kUser},
                               {"V2_PASSWORD", "wrong-password"},
                               {"V2_EMAIL", "alice@example.com"},
                               {"DOCKER_CONFIG", no_docker_config_.path().string()}});
    }

    RegistryProcess destination_{htpasswd()};
    TempDir no_docker_config_{"regmigrate-no-docker-config"};
};

TEST_F(MigratePreflightTest, WrongPasswordStopsTheRunAtThePreflight) {
    const auto run = migrate({});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    EXPECT_TRUE(contains(run.err, "preflight: destination " + destination_.host() +
                                      ": credentials for alice refused"))
        << run.describe();
    EXPECT_FALSE(served_a_manifest(source_));
}

TEST_F(MigratePreflightTest, NoPreflightLetsImagesFailAndCountsIdenticalFailuresOnce) {
    const auto run = migrate({"--no-preflight"});
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_FALSE(contains(run.err, "preflight:")) << run.describe();
    EXPECT_TRUE(contains(
        run.err, "3 images failed: credentials refused by " + destination_.host() + " (HTTP 401)"))
        << run.describe();
}

}  // namespace
}  // namespace regmigrate::testing
