// `regmigrate sync` and `verify` onto Amazon ECR, end to end through the binary: the fake
// ECR API (tests/support/ecr_fake.hpp) hands out the Basic login of a real docker-registry
// behind htpasswd, the run logs in with the AWS keys of its environment, creates each
// destination repository once, and refuses a wrong secret without ever printing it.
#include "tests/support/copy_report.hpp"
#include "tests/support/ecr_fake.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/fleet/byte_source.hpp"
#include "tools/fleet/image_builder.hpp"
#include "tools/fleet/registry_writer.hpp"

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

// Amazon ECR refuses a chunked upload whose parts but the last are under 5 MiB. Here the
// destination is reached through faultproxy enforcing that rule, with a 12 MiB layer and a
// plan asking for 1 MiB chunks.
class EcrPartSizeTest : public EcrSyncTest {
  protected:
    static constexpr std::uint64_t kMiB = 1024 * 1024;

    void SetUp() override {
        EcrSyncTest::SetUp();
        fleet::RegistryWriter writer({source_.host()});
        fleet::ByteSource content(0xec2);
        const std::uint64_t size = 12 * kMiB + 1;
        const std::string layer =
            writer
                .push_blob_stream("big/app", size,
                                  [&](char* out, std::size_t n) { content.fill(out, n); })
                .value();
        const auto image = fleet::build_image(
            {fleet::ManifestFormat::oci, {}, {{fleet::media_type::oci_layer, layer, size}}});
        writer.push_blob("big/app", image.config).value();
        writer.push_manifest("big/app", "v1", image.manifest_descriptor.media_type, image.manifest)
            .value();
    }

    // sync of big/app through the part-size check; the destination endpoint's YAML extra.
    CliResult sync_through_part_check(const std::string& destination_extra) {
        std::ofstream(dir_.path() / "parts.yaml")
            << "registries:\n"
            << "  src: { host: " << source_.host() << ", tls: disabled }\n"
            << "  dst: { host: " << proxy_.host() << ", tls: disabled, chunk_size: " << kMiB << ", "
            << destination_extra << " }\n"
            << "sync:\n  - { from: src, to: dst, repositories: [big/app] }\n";
        return cli_.run({"sync", "--config", (dir_.path() / "parts.yaml").string(), "--no-journal",
                         "--certs-dir", cli_.certs_dir().string()},
                        aws_env(fake_options_.secret_access_key));
    }

    FaultProxyProcess proxy_{FAULTPROXY_BINARY,
                             destination_.host(),
                             {},
                             {"--min-upload-part", std::to_string(5 * kMiB)}};
};

TEST_F(EcrPartSizeTest, ChunksAgainstEcrAreAtLeastFiveMiBExceptTheLast) {
    const auto synced = sync_through_part_check("ecr: { endpoint: \"" + fake_.endpoint() + "\" }");
    ASSERT_EQ(synced.exit_code, 0) << synced.describe() << "\n" << proxy_.output();
    const auto verified =
        run("verify", aws_env(fake_options_.secret_access_key), {"--repo", "^big/app$"});
    EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
}

// The control: the same plan against the proxy as a plain registry keeps its 1 MiB chunks,
// and the rule refuses the second part, so the test above could fail.
TEST_F(EcrPartSizeTest, TheFakeRefusesSmallPartsThatAreNotTheLast) {
    const auto synced =
        sync_through_part_check(std::string("username: AWS, password: ") + kRegistryPassword);
    EXPECT_EQ(synced.exit_code, 1) << synced.describe();
    EXPECT_NE(synced.err.find("was not the last"), std::string::npos) << synced.describe();
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
    const auto synced =
        run("sync", aws_env(fake_options_.secret_access_key), {"--jobs", "16", "--threads", "2"});
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
