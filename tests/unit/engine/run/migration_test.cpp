#include "engine/run/migration.hpp"

#include "engine/run/exit_code.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace regmigrate::engine {
namespace {

RunReport report_with(ImageOutcome status) {
    RunReport report;
    report.images.push_back(ImageRecord{"old/app:1", "new/app:1", "", status, ""});
    return report;
}

TEST(MigrationExitCode, AFinishedRunExitsWithWhatFinishingItReturned) {
    EXPECT_EQ(migration_exit_code(MigrationOutcome::finished(report_with(ImageOutcome::copied), 0),
                                  exit_ok),
              exit_ok);
    EXPECT_EQ(migration_exit_code(MigrationOutcome::finished(report_with(ImageOutcome::failed), 0),
                                  exit_failed),
              exit_failed);
}

TEST(MigrationExitCode, AFinishedRunStoppedBySignalExits128PlusTheSignal) {
    EXPECT_EQ(migration_exit_code(
                  MigrationOutcome::finished(report_with(ImageOutcome::copied), SIGTERM), exit_ok),
              143);
}

TEST(MigrationExitCode, ADeclinedPlanIsAFailureThoughNothingFailed) {
    EXPECT_EQ(migration_exit_code(MigrationOutcome::declined(), exit_ok), exit_failed);
}

TEST(MigrationExitCode, AFailedRunExitsByItsErrorsKind) {
    const auto timeout = MigrationOutcome::failed(
        make_error(ErrorKind::timeout, "did not become the new registry within 2 s"));
    EXPECT_EQ(migration_exit_code(timeout, exit_ok), exit_failed);
    const auto wrong = MigrationOutcome::failed(
        make_error(ErrorKind::invalid_argument, "V1_REGISTRY (x): no registry API"));
    EXPECT_EQ(migration_exit_code(wrong, exit_ok), exit_usage);
}

TEST(MigrationSourceApi, DockerHubIsAV2RegistryWithoutAProbe) {
    RegistrySide hub;
    hub.host = "registry-1.docker.io";
    const auto api = migration_source_api(hub, "docker.io");
    ASSERT_TRUE(api) << api.error().message;
    EXPECT_EQ(*api, RegistryApi::v2);
}

}  // namespace
}  // namespace regmigrate::engine
