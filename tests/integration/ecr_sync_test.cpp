// `regmigrate sync` and `verify` onto Amazon ECR, end to end through the binary: the fake
// ECR API (tests/support/ecr_fake.hpp) hands out the Basic login of a real docker-registry
// behind htpasswd, the run logs in with the AWS keys of its environment, creates each
// destination repository once, and refuses a wrong secret without ever printing it.
#include "tests/support/copy_report.hpp"
#include "tests/support/ecr_fake.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace regmigrate::testing {
namespace {

using Env = std::map<std::string, std::string>;

constexpr const char* kRegistryPassword = "ecr-sync-Pw-83c1f2";
constexpr const char* kWrongSecret = "Wrong-Secret-51b7-never-printed";

RegistryOptions htpasswd() {
    RegistryOptions options;
    options.htpasswd_users = {{"AWS", kRegistryPassword}};
    return options;
}

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class EcrSyncTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const auto& [repository, tag] : std::vector<std::pair<std::string, std::string>>{
                 {"team/app", "v1"}, {"team/app", "v2"}, {"base/tool", "1.0"}}) {
            push_image(source_.host(),
                       sample_image(repository, tag, fleet::ManifestFormat::docker));
        }
    }

    EcrFakeOptions fake_options() const {
        EcrFakeOptions options;
        options.registry_password = kRegistryPassword;
        options.proxy_endpoint = destination_.base_url();
        return options;
    }

    // The fake's key pair and region, and AWS files that do not exist: nothing from the
    // developer's own AWS setup takes part.
    Env aws_env(const std::string& secret) const {
        return {{"AWS_ACCESS_KEY_ID", fake_options_.access_key_id},
                {"AWS_SECRET_ACCESS_KEY", secret},
                {"AWS_REGION", fake_options_.region},
                {"AWS_SHARED_CREDENTIALS_FILE", (dir_.path() / "no-credentials").string()},
                {"AWS_CONFIG_FILE", (dir_.path() / "no-config").string()}};
    }

    struct Run {
        CliResult cli;
        std::filesystem::path report;
    };

    Run run(const std::string& command, const Env& env,
            const std::vector<std::string>& options = {}, const EcrFake* fake = nullptr) {
        Run result;
        result.report = dir_.path() / ("report-" + std::to_string(++runs_) + ".json");
        std::vector<std::string> args{command,
                                      "--from",
                                      source_.host(),
                                      "--to",
                                      destination_.host(),
                                      "--ecr-endpoint",
                                      (fake ? *fake : fake_).endpoint(),
                                      "--no-journal",
                                      "--report",
                                      result.report.string(),
                                      "--certs-dir",
                                      cli_.certs_dir().string()};
        args.insert(args.end(), options.begin(), options.end());
        result.cli = cli_.run(args, env);
        return result;
    }

    RegistryProcess source_;
    RegistryProcess destination_{htpasswd()};
    EcrFakeOptions fake_options_ = fake_options();
    EcrFake fake_{fake_options_};
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"regmigrate-ecr-sync"};
    std::size_t runs_ = 0;
};

TEST_F(EcrSyncTest, SyncCopiesEveryImageWithTheTokenFromGetAuthorizationToken) {
    const auto synced = run("sync", aws_env(fake_options_.secret_access_key));
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    const auto report = read_copy_report(synced.report);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->summary.images_copied, 3u);
    EXPECT_EQ(fake_.state().tokens_issued, 1u);
}

// A login already due for renewal when it arrives (as a 12-hour token is after 11.5 hours)
// is renewed before the registry sees it: every client asks the one renewable login.
TEST_F(EcrSyncTest, ALoginDueForRenewalIsRenewedDuringTheRun) {
    auto options = fake_options_;
    options.token_lifetime = std::chrono::seconds(-1);
    EcrFake expiring(options);
    const auto synced = run("sync", aws_env(fake_options_.secret_access_key), {}, &expiring);
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    const auto report = read_copy_report(synced.report);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->summary.images_copied, 3u);
    EXPECT_GT(expiring.state().tokens_issued, 1u);
    EXPECT_EQ(fake_.state().tokens_issued, 0u);
}

TEST_F(EcrSyncTest, VerifyLogsInTheSameWayAndMatchesWhatSyncCopied) {
    const Env env = aws_env(fake_options_.secret_access_key);
    const auto synced = run("sync", env);
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    const auto verified = run("verify", env);
    EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
}

// Many jobs over several threads: first pushes to one repository race, and still only one
// of them asks.
TEST_F(EcrSyncTest, CreateRepositoryIsCalledOncePerDestinationRepository) {
    const auto synced = run("sync", aws_env(fake_options_.secret_access_key),
                            {"--jobs", "16", "--threads", "2"});
    ASSERT_EQ(synced.cli.exit_code, 0) << synced.cli.describe();
    std::vector<std::string> created;
    for (const auto& call : fake_.state().create_calls)
        created.push_back(call.repository);
    std::sort(created.begin(), created.end());
    EXPECT_EQ(created, (std::vector<std::string>{"base/tool", "team/app"}));
}

TEST_F(EcrSyncTest, VerifyCreatesNoRepository) {
    const auto verified = run("verify", aws_env(fake_options_.secret_access_key));
    EXPECT_NE(verified.cli.exit_code, 0) << verified.cli.describe();
    EXPECT_TRUE(fake_.state().create_calls.empty());
}

TEST_F(EcrSyncTest, WrongSecretFailsWithOneClearLineAndNeverPrintsTheSecret) {
    const auto synced = run("sync", aws_env(kWrongSecret));
    EXPECT_NE(synced.cli.exit_code, 0);
    std::vector<std::string> refusals;
    for (const auto& line : synced.cli.error_lines()) {
        if (line.find("InvalidSignatureException") != std::string::npos)
            refusals.push_back(line);
    }
    ASSERT_EQ(refusals.size(), 1u) << synced.cli.describe();
    EXPECT_NE(refusals[0].find("ECR destination " + destination_.host()), std::string::npos)
        << refusals[0];
    EXPECT_EQ(synced.cli.out.find(kWrongSecret), std::string::npos);
    EXPECT_EQ(synced.cli.err.find(kWrongSecret), std::string::npos);
    EXPECT_EQ(file_text(synced.report).find(kWrongSecret), std::string::npos);
    EXPECT_TRUE(fake_.state().create_calls.empty());
}

TEST_F(EcrSyncTest, MissingRegionIsAUsageErrorNamingWhatToSet) {
    Env env = aws_env(fake_options_.secret_access_key);
    env["AWS_REGION"] = "";
    env["AWS_DEFAULT_REGION"] = "";
    const auto synced = run("sync", env);
    EXPECT_EQ(synced.cli.exit_code, 2) << synced.cli.describe();
    EXPECT_NE(synced.cli.err.find("AWS_REGION"), std::string::npos) << synced.cli.describe();
    EXPECT_EQ(fake_.state().tokens_issued, 0u);
}

}  // namespace
}  // namespace regmigrate::testing
