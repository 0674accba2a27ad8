#include "engine/run/same_host_migration.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <fstream>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;

ExportMarker sample_marker() {
    return ExportMarker{RegistryApi::v1, false, {"library/app", "team/db"}};
}

TEST(ExportMarker, RendersOneFieldPerLine) {
    EXPECT_EQ(render_export_marker(sample_marker()),
              "regmigrate-export 1\napi v1\nswitched no\nrepository library/app\n"
              "repository team/db\n");
}

TEST(ExportMarker, RoundTripsEveryField) {
    for (const auto api : {RegistryApi::v1, RegistryApi::v2}) {
        for (const bool switched : {false, true}) {
            ExportMarker marker = sample_marker();
            marker.source_api = api;
            marker.switched = switched;
            const auto parsed = parse_export_marker(render_export_marker(marker));
            ASSERT_TRUE(parsed) << parsed.error().message;
            EXPECT_EQ(*parsed, marker);
        }
    }
}

TEST(ExportMarker, AnExportOfNothingHasNoRepositoryLines) {
    const ExportMarker empty{RegistryApi::v2, true, {}};
    const auto parsed = parse_export_marker(render_export_marker(empty));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, empty);
}

TEST(ExportMarker, RefusesTornUnknownAndMalformedText) {
    const std::string whole = render_export_marker(sample_marker());
    for (const std::string& bad : {
             std::string(),
             whole.substr(0, whole.size() - 1),  // torn: no final newline
             std::string("regmigrate-export 2\napi v1\nswitched no\n"),
             std::string("regmigrate-export 1\napi v3\nswitched no\n"),
             std::string("regmigrate-export 1\napi v1\nswitched maybe\n"),
             std::string("regmigrate-export 1\napi v1\n"),
             std::string("regmigrate-export 1\napi v1\nswitched no\nrepository \n"),
             std::string("regmigrate-export 1\napi v1\nswitched no\nrepo app\n"),
         }) {
        const auto parsed = parse_export_marker(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error().kind, ErrorKind::protocol);
        EXPECT_NE(parsed.error().message.find(export_marker_name), std::string::npos);
    }
}

class ExportMarkerFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "export-marker-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        staging_ = pattern;
    }
    void TearDown() override { fs::remove_all(staging_); }

    fs::path staging_;
};

TEST_F(ExportMarkerFileTest, AbsentMarkerMeansTheExportIsNotComplete) {
    const auto read = read_export_marker(staging_);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_FALSE(read->has_value());
}

TEST_F(ExportMarkerFileTest, WrittenMarkerReadsBackAndLeavesNoTemporaryFile) {
    ASSERT_TRUE(write_export_marker(staging_, sample_marker()));
    auto updated = sample_marker();
    updated.switched = true;
    ASSERT_TRUE(write_export_marker(staging_, updated));
    const auto read = read_export_marker(staging_);
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, updated);
    EXPECT_EQ(std::distance(fs::directory_iterator(staging_), fs::directory_iterator()), 1);
}

TEST_F(ExportMarkerFileTest, DamagedMarkerIsAnErrorNamingTheFile) {
    std::ofstream(staging_ / export_marker_name) << "regmigrate-export 1\napi";
    const auto read = read_export_marker(staging_);
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().message.find((staging_ / export_marker_name).string()),
              std::string::npos);
}

TEST_F(ExportMarkerFileTest, MissingStagingDirectoryIsAnIoError) {
    const auto written = write_export_marker(staging_ / "absent", sample_marker());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::io);
    EXPECT_NE(written.error().message.find("export marker"), std::string::npos);
}

ImageRecord record(std::string destination, ImageOutcome status) {
    return ImageRecord{"old.example/x:1", std::move(destination), "", status, ""};
}

TEST(ExportedRepositories, DistinctSortedAndOnlyWhatDidNotFail) {
    RunReport report;
    report.images = {record("oci:/stage/team/db:1", ImageOutcome::copied),
                     record("oci:/stage/library/app:2", ImageOutcome::skipped),
                     record("oci:/stage/library/app@sha256:00", ImageOutcome::copied),
                     record("oci:/stage/team/db:2", ImageOutcome::copied),
                     record("oci:/stage/broken/one:1", ImageOutcome::failed)};
    EXPECT_EQ(exported_repositories(report, "oci:/stage"),
              (std::vector<std::string>{"library/app", "team/db"}));
}

TEST(ExportedRepositories, IgnoresDestinationsOutsideTheLayoutDirectory) {
    RunReport report;
    report.images = {record("oci:/stage2/app:1", ImageOutcome::copied),
                     record("oci:/stage/app:1", ImageOutcome::copied)};
    EXPECT_EQ(exported_repositories(report, "oci:/stage"), (std::vector<std::string>{"app"}));
}

TEST(HostAnswer, FromTheProbe) {
    EXPECT_EQ(host_answer(RegistryApi::v2), HostAnswer::v2);
    EXPECT_EQ(host_answer(RegistryApi::v1), HostAnswer::v1);
    EXPECT_EQ(host_answer(make_error(ErrorKind::unsupported, "neither API")), HostAnswer::other);
    EXPECT_EQ(host_answer(make_error(ErrorKind::network, "connection refused")),
              HostAnswer::unreachable);
    EXPECT_EQ(host_answer(make_error(ErrorKind::timeout, "no answer")), HostAnswer::unreachable);
}

TEST(SwitchWatch, AV1RegistryIsReplacedWhenTheHostAnswersV2) {
    SwitchWatch watch(RegistryApi::v1, false);
    EXPECT_FALSE(watch.switched(HostAnswer::v1));
    EXPECT_FALSE(watch.switched(HostAnswer::unreachable));
    EXPECT_TRUE(watch.switched(HostAnswer::v2));
}

TEST(SwitchWatch, AV1RegistryNeedNotBeSeenDown) {
    SwitchWatch watch(RegistryApi::v1, false);
    EXPECT_TRUE(watch.switched(HostAnswer::v2));
}

TEST(SwitchWatch, AV2RegistryMustGoAwayBeforeAV2AnswerCounts) {
    SwitchWatch watch(RegistryApi::v2, false);
    EXPECT_EQ(watch.waiting_for(), "to go down and come back as the new registry");
    EXPECT_FALSE(watch.switched(HostAnswer::v2));
    EXPECT_FALSE(watch.switched(HostAnswer::v2));
    EXPECT_FALSE(watch.switched(HostAnswer::unreachable));
    EXPECT_EQ(watch.waiting_for(), "to answer the registry v2 API");
    EXPECT_TRUE(watch.switched(HostAnswer::v2));
}

TEST(SwitchWatch, SomethingThatIsNoRegistryCountsAsGone) {
    SwitchWatch watch(RegistryApi::v2, false);
    EXPECT_FALSE(watch.switched(HostAnswer::other));
    EXPECT_TRUE(watch.switched(HostAnswer::v2));
}

TEST(SwitchWatch, OperatorsWordOrAnEarlierRunsSightingIsEnough) {
    SwitchWatch confirmed(RegistryApi::v2, false);
    confirmed.operator_confirmed();
    EXPECT_TRUE(confirmed.switched(HostAnswer::v2));
    SwitchWatch resumed(RegistryApi::v2, true);
    EXPECT_TRUE(resumed.switched(HostAnswer::v2));
}

TEST(SwitchWatch, ALegacyAnswerIsNeverTheNewRegistry) {
    SwitchWatch watch(RegistryApi::v1, true);
    EXPECT_FALSE(watch.switched(HostAnswer::v1));
    EXPECT_FALSE(watch.switched(HostAnswer::other));
    EXPECT_FALSE(watch.switched(HostAnswer::unreachable));
}

TEST(ResumePhase, WithoutAMarkerTheRunExports) {
    EXPECT_EQ(resume_phase(std::nullopt), MigrationPhase::export_images);
}

TEST(ResumePhase, AMarkerNotYetSwitchedResumesAtTheSwitch) {
    EXPECT_EQ(resume_phase(sample_marker()), MigrationPhase::switch_registry);
}

TEST(ResumePhase, AMarkerThatSawTheSwitchResumesAtTheImport) {
    auto marker = sample_marker();
    marker.switched = true;
    EXPECT_EQ(resume_phase(marker), MigrationPhase::import_images);
}

TEST(ExportFailureHandling, NoFailureGoesOnWhateverTheSettings) {
    for (const auto action :
         {ErrorAction::prompt, ErrorAction::retry, ErrorAction::skip, ErrorAction::abort}) {
        EXPECT_EQ(export_failure_handling(0, action, true), ExportFailureHandling::go_on);
        EXPECT_EQ(export_failure_handling(0, action, false), ExportFailureHandling::go_on);
    }
}

TEST(ExportFailureHandling, ErrorActionSkipSkipsTheFailedImagesWithoutAsking) {
    EXPECT_EQ(export_failure_handling(2, ErrorAction::skip, true),
              ExportFailureHandling::skip_them);
    EXPECT_EQ(export_failure_handling(2, ErrorAction::skip, false),
              ExportFailureHandling::skip_them);
}

TEST(ExportFailureHandling, OtherwiseTheOperatorIsAskedOnATerminal) {
    EXPECT_EQ(export_failure_handling(1, ErrorAction::abort, true),
              ExportFailureHandling::ask_operator);
    EXPECT_EQ(export_failure_handling(1, ErrorAction::retry, true),
              ExportFailureHandling::ask_operator);
}

TEST(ExportFailureHandling, UnattendedFailuresStopTheRunBeforeTheSwitch) {
    EXPECT_EQ(export_failure_handling(1, ErrorAction::abort, false), ExportFailureHandling::stop);
    EXPECT_EQ(export_failure_handling(3, ErrorAction::retry, false), ExportFailureHandling::stop);
    EXPECT_EQ(export_failure_handling(1, ErrorAction::prompt, false), ExportFailureHandling::stop);
}

using namespace std::chrono_literals;
using Step = SwitchDeadline::Step;

const SwitchDeadline::Clock::time_point start{1000s};

TEST(SwitchDeadline, TheFirstProbeThatMissesNotesWithTheWholeTimeLeft) {
    SwitchDeadline deadline(start, 3600s);
    EXPECT_EQ(deadline.after_probe(start), Step::note);
    EXPECT_EQ(deadline.left(start), 3600s);
}

TEST(SwitchDeadline, NotesAgainOnlyAfterTheNoteInterval) {
    SwitchDeadline deadline(start, 3600s);
    ASSERT_EQ(deadline.after_probe(start), Step::note);
    EXPECT_EQ(deadline.after_probe(start + 250ms), Step::probe_again);
    EXPECT_EQ(deadline.after_probe(start + switch_note_interval - 1ms), Step::probe_again);
    EXPECT_EQ(deadline.after_probe(start + switch_note_interval), Step::note);
    EXPECT_EQ(deadline.after_probe(start + switch_note_interval + 1s), Step::probe_again);
}

TEST(SwitchDeadline, TheNextNoteCountsFromTheLastOne) {
    SwitchDeadline deadline(start, 3600s);
    ASSERT_EQ(deadline.after_probe(start), Step::note);
    // A probe that took long (a timeout): noted late, the next note 30 s after that one.
    EXPECT_EQ(deadline.after_probe(start + 45s), Step::note);
    EXPECT_EQ(deadline.after_probe(start + 70s), Step::probe_again);
    EXPECT_EQ(deadline.after_probe(start + 75s), Step::note);
}

TEST(SwitchDeadline, GivesUpAtTheTimeoutAndNotBefore) {
    SwitchDeadline deadline(start, 2s);
    ASSERT_EQ(deadline.after_probe(start), Step::note);
    EXPECT_EQ(deadline.after_probe(start + 2s - 1ms), Step::probe_again);
    EXPECT_EQ(deadline.after_probe(start + 2s), Step::give_up);
    EXPECT_EQ(deadline.after_probe(start + 3s), Step::give_up);
}

TEST(SwitchDeadline, GivingUpWinsOverADueNote) {
    SwitchDeadline deadline(start, 10s);
    EXPECT_EQ(deadline.after_probe(start + 10s), Step::give_up);
}

TEST(SwitchDeadline, SecondsLeftAreWholeAndNeverNegative) {
    const SwitchDeadline deadline(start, 60s);
    EXPECT_EQ(deadline.left(start + 1500ms), 58s);
    EXPECT_EQ(deadline.left(start + 60s), 0s);
    EXPECT_EQ(deadline.left(start + 61s), 0s);
}

TEST(StagingSide, IsTheStagingDirectoryAsAnOciLayoutDestination) {
    const auto side = staging_side("/var/lib/staging/registry.example_5000");
    ASSERT_TRUE(side) << side.error().message;
    EXPECT_EQ(side->host, "oci:/var/lib/staging/registry.example_5000");
}

TEST(StagingSide, ADirectoryThatReadsAsAnInvalidTagIsNamedAsTheVariable) {
    const auto side = staging_side("/srv/stage:-bad");
    ASSERT_FALSE(side);
    EXPECT_EQ(side.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(side.error().message.find("MIGRATION_STAGING_DIR"), std::string::npos);
}

TEST(ImportPlan, MovesEveryExportedRepositoryFromTheLayoutsIntoTheNewRegistry) {
    RegistrySide new_registry;
    new_registry.host = "registry.example:5000";
    new_registry.credentials.username = "mover";
    const auto plan = import_plan("oci:/stage", new_registry, sample_marker());
    ASSERT_EQ(plan.pairs.size(), 1u);
    const SyncPair& pair = plan.pairs.front();
    EXPECT_EQ(pair.source.host, "oci:/stage");
    EXPECT_EQ(pair.destination.host, "registry.example:5000");
    EXPECT_EQ(pair.destination.credentials.username, "mover");
    EXPECT_EQ(pair.repositories, (std::vector<std::string>{"library/app", "team/db"}));
    EXPECT_EQ(pair.destination_repository("team/db"), "team/db");
}

}  // namespace
}  // namespace regmigrate::engine
