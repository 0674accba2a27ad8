// `regmigrate migrate` configured only by docker/migrator's environment variables, between
// real docker-registry processes: filters, skip-existing, increments, error actions,
// logins, and the refusals (invalid values, no terminal to confirm on, a v1-only source).
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/scripted_http_server.hpp"

#include <algorithm>
#include <map>

namespace regmigrate::testing {
namespace {

using Env = std::map<std::string, std::string>;

// `base` with `more` added or replacing.
Env merged(Env base, const Env& more) {
    for (const auto& [name, value] : more)
        base[name] = value;
    return base;
}

class MigrateEnvTest : public SyncFleetTest {
  protected:
    // The unattended migration of the fleet to the destination, no login.
    Env unattended() const {
        return {{"V1_REGISTRY", source_.host()},
                {"V2_REGISTRY", destination_.host()},
                {"USE_HTTP", "true"},
                {"NO_LOGIN", "true"},
                {"USER_PROMPT", "false"}};
    }

    SyncOutcome migrate(const Env& env, const std::vector<std::string>& options = {}) {
        const auto report = reports_.path() / ("report-" + std::to_string(++runs_) + ".json");
        std::vector<std::string> args{"migrate", "--report", report.string(), "--certs-dir",
                                      cli_dir_.certs_dir().string()};
        args.insert(args.end(), options.begin(), options.end());
        CliResult cli = cli_dir_.run(args, env);
        return SyncOutcome{std::move(cli), read_copy_report(report),
                           make_error(ErrorKind::io, "no metrics file asked for")};
    }

    CopyReport migrate_ok(const Env& env, const std::vector<std::string>& options = {}) {
        auto run = migrate(env, options);
        EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
        EXPECT_TRUE(run.report) << run.report.error().message << "\n" << run.cli.describe();
        return run.report ? *run.report : CopyReport{};
    }

    RegmigrateCli cli_dir_{REGMIGRATE_BINARY};
    TempDir reports_{"regmigrate-migrate-reports"};
    std::size_t runs_ = 0;
};

TEST_F(MigrateEnvTest, UnattendedRunCopiesEveryImage) {
    const auto report = migrate_ok(unattended());
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(MigrateEnvTest, RepoFilterAsGrepBasicRegexAndTagSubstringSelectExactlyTheirImages) {
    migrate_ok(merged(unattended(),
                      {{"V1_REPO_FILTER", R"(app-000\(1\|3\)$)"}, {"V1_TAG_FILTER", "0002"}}));
    EXPECT_EQ(
        destination_images(), image_names(fleet_, [](const fleet::TaggedImage& image) {
            return (image.repository == "fleet/app-0001" || image.repository == "fleet/app-0003") &&
                   image.tag.find("0002") != std::string::npos;
        }));
}

TEST_F(MigrateEnvTest, FullRepoListSkipsEnumerationAndCopiesOnlyItsRepositories) {
    migrate_ok(merged(unattended(), {{"V1_FULL_REPO_LIST", " fleet/app-0002\n fleet/app-0004 "}}));
    EXPECT_EQ(destination_images(), image_names(fleet_, [](const fleet::TaggedImage& image) {
                  return image.repository == "fleet/app-0002" ||
                         image.repository == "fleet/app-0004";
              }));
}

TEST_F(MigrateEnvTest, SkipExistingTagsSkipsWhatTheDestinationAlreadyHas) {
    migrate_ok(unattended());
    const auto rerun = migrate_ok(merged(unattended(), {{"SKIP_EXISTING_TAGS", "true"}}));
    EXPECT_EQ(rerun.summary.images_skipped, fleet_.images);
    EXPECT_EQ(rerun.summary.images_copied, 0u);
}

TEST_F(MigrateEnvTest, WithoutSkipExistingTagsEveryTagIsCopiedAgain) {
    migrate_ok(unattended());
    const auto rerun = migrate_ok(unattended());
    EXPECT_EQ(rerun.summary.images_copied, fleet_.images);
    EXPECT_EQ(rerun.summary.images_skipped, 0u);
}

TEST_F(MigrateEnvTest, MigrationIncrementStillCopiesEveryImage) {
    const auto report =
        migrate_ok(merged(unattended(), {{"MIGRATION_INCREMENT", "4"}}), {"--jobs", "2"});
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(MigrateEnvTest, InvalidVariableExitsTwoNamingIt) {
    const auto run = migrate(merged(unattended(), {{"MIGRATION_INCREMENT", "many"}}));
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("MIGRATION_INCREMENT"), std::string::npos) << run.cli.describe();
    EXPECT_TRUE(list_repositories(destination_.host())->empty());
}

TEST_F(MigrateEnvTest, UserPromptWithoutATerminalRefusesAndSaysHowToRunUnattended) {
    auto env = unattended();
    env.erase("USER_PROMPT");  // default true; the runner's stdin is /dev/null
    const auto run = migrate(env);
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("USER_PROMPT=false"), std::string::npos) << run.cli.describe();
    EXPECT_TRUE(list_repositories(destination_.host())->empty());
}

// Without AWS keys (and AWS files that do not exist) nothing is sent anywhere.
TEST_F(MigrateEnvTest, EcrDestinationWithoutAwsKeysIsAUsageErrorNamingThem) {
    const auto run = migrate(
        merged(unattended(), {{"V2_REGISTRY", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"},
                              {"AWS_ACCESS_KEY_ID", ""},
                              {"AWS_SECRET_ACCESS_KEY", ""},
                              {"AWS_PROFILE", ""},
                              {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
                              {"AWS_CONFIG_FILE", "/nonexistent/config"}}));
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("AWS_ACCESS_KEY_ID"), std::string::npos) << run.cli.describe();
}

TEST_F(MigrateEnvTest, SourceAnsweringNeitherApiIsNamedAsV1Registry) {
    ScriptedHttpServer not_a_registry(answer_each([](const ScriptedRequest&) {
        return ScriptedReply{404, "no"};
    }));
    const auto run = migrate(merged(
        unattended(), {{"V1_REGISTRY", "127.0.0.1:" + std::to_string(not_a_registry.port())}}));
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("V1_REGISTRY"), std::string::npos) << run.cli.describe();
}

// A destination behind htpasswd: the migrator's three login variables are all needed.
class MigrateLoginTest : public MigrateEnvTest {
  protected:
    static RegistryOptions guarded_options() {
        RegistryOptions options;
        options.htpasswd_users = {{"mover", "pw-for-migrate"}};
        return options;
    }

    Env with_login(const Env& login) const {
        auto env = merged(unattended(), login);
        env.erase("NO_LOGIN");
        env["V1_NO_LOGIN"] = "true";
        env["V2_REGISTRY"] = guarded_.host();
        env["DOCKER_CONFIG"] = reports_.path().string();  // no config.json: no fallback login
        return env;
    }

    RegistryProcess guarded_{guarded_options()};
};

TEST_F(MigrateLoginTest, UsernamePasswordAndEmailLogIn) {
    const auto report = migrate_ok(with_login({{"V2_USERNAME", "mover"},
                                               {"V2_PASSWORD", "pw-for-migrate"},
                                               {"V2_EMAIL", "mover@example.com"}}),
                                   {"--jobs", "2"});
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
}

// Anonymous, the run stops at the preflight (exit 2) before any image is tried.
TEST_F(MigrateLoginTest, WithoutEmailTheCredentialsAreNotUsed) {
    const auto run =
        migrate(with_login({{"V2_USERNAME", "mover"}, {"V2_PASSWORD", "pw-for-migrate"}}));
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("preflight: destination " + guarded_.host() +
                               ": anonymous access refused"),
              std::string::npos)
        << run.cli.describe();
}

TEST_F(MigrateLoginTest, PasswordNeverAppearsInTheOutputs) {
    const auto run = migrate(with_login({{"V2_USERNAME", "mover"},
                                         {"V2_PASSWORD", "pw-for-migrate"},
                                         {"V2_EMAIL", "mover@example.com"}}));
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.cli.out.find("pw-for-migrate"), std::string::npos);
    EXPECT_EQ(run.cli.err.find("pw-for-migrate"), std::string::npos);
    EXPECT_EQ(run.report->text.find("pw-for-migrate"), std::string::npos);
}

// One source repository that cannot be read: a layer's data is deleted from the source
// registry's storage. Named to be enumerated first.
class MigrateErrorActionTest : public MigrateEnvTest {
  protected:
    void SetUp() override {
        MigrateEnvTest::SetUp();
        if (HasFatalFailure())
            return;
        const auto pushed =
            push_unreadable_image(source_.host(), source_.storage_dir(), "aaa/broken", "v1");
        ASSERT_TRUE(pushed) << pushed.error().message;
    }
};

TEST_F(MigrateErrorActionTest, SkipFailsTheBrokenImageAndCopiesEveryOther) {
    const auto run = migrate(merged(unattended(), {{"ERROR_ACTION", "skip"}}));
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(MigrateErrorActionTest, AbortStartsNoImageAfterTheFailure) {
    const auto run = migrate(merged(unattended(), {{"ERROR_ACTION", "abort"}}), {"--jobs", "1"});
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 0u) << run.report->text;
    EXPECT_TRUE(destination_images().empty());
}

TEST_F(MigrateErrorActionTest, PromptWithoutATerminalSkips) {
    const auto run = migrate(unattended());  // ERROR_ACTION's default is prompt
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

}  // namespace
}  // namespace regmigrate::testing
