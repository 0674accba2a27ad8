#include "engine/run/watch_state.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::engine {
namespace {

using namespace std::chrono_literals;

const WatchClock::time_point t0{};

WatchState state_every(std::chrono::seconds interval = 60s, std::chrono::seconds stall = 600s) {
    return WatchState(interval, stall);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(ParseWatchDuration, UnitsAreSecondsMinutesHoursAndDays) {
    EXPECT_EQ(parse_watch_duration("30s", "--watch").value(), 30s);
    EXPECT_EQ(parse_watch_duration("5m", "--watch").value(), 300s);
    EXPECT_EQ(parse_watch_duration("2h", "--watch").value(), 7200s);
    EXPECT_EQ(parse_watch_duration("1d", "--watch").value(), 86400s);
}

TEST(ParseWatchDuration, GroupsAddUp) {
    EXPECT_EQ(parse_watch_duration("1h30m", "--watch").value(), 5400s);
    EXPECT_EQ(parse_watch_duration("1m1s", "--watch").value(), 61s);
}

TEST(ParseWatchDuration, ABareNumberOrAnUnknownUnitIsRefusedNamingTheFlag) {
    for (const char* text : {"30", "5x", "m", "", "1.5h", "-5s", "5 s", "5ms"}) {
        const auto parsed = parse_watch_duration(text, "--watch");
        ASSERT_TRUE(parsed.has_error()) << text;
        EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
        EXPECT_TRUE(contains(parsed.error().message, "--watch '" + std::string(text) + "'"))
            << parsed.error().message;
    }
}

TEST(ParseWatchDuration, ZeroIsRefused) {
    EXPECT_TRUE(parse_watch_duration("0s", "--watch").has_error());
}

TEST(ParseWatchDuration, HugeCountsAreRefusedNotWrapped) {
    EXPECT_TRUE(parse_watch_duration("99999999999999999999s", "--watch").has_error());
    EXPECT_TRUE(parse_watch_duration("36600d36600d", "--watch").has_error());
}

TEST(WatchState, NextRoundStartsIntervalAfterTheLastEnded) {
    auto state = state_every(30s);
    state.round_started(t0);
    EXPECT_EQ(state.round_ended(t0 + 100s, 0, ""), t0 + 130s);
    state.round_started(t0 + 130s);
    EXPECT_EQ(state.round_ended(t0 + 131s, 1, "x"), t0 + 161s);
}

TEST(WatchState, HealthyBeforeTheFirstRound) {
    auto state = state_every();
    EXPECT_TRUE(state.health(t0, 0).healthy);
}

TEST(WatchState, HealthyWhileTheFirstRoundRunsWithinTheBound) {
    auto state = state_every(60s, 600s);
    state.round_started(t0);
    const auto status = state.health(t0 + 599s, 0);
    EXPECT_TRUE(status.healthy);
    EXPECT_EQ(status.reason, "round 1 running");
}

TEST(WatchState, ARoundWithoutProgressPastTheBoundIsUnhealthy) {
    auto state = state_every(60s, 600s);
    state.round_started(t0);
    const auto status = state.health(t0 + 601s, 0);
    EXPECT_FALSE(status.healthy);
    EXPECT_EQ(status.reason, "round 1 has made no progress for 601s (--watch-stall-after 600s)");
}

TEST(WatchState, ProgressRestartsTheStallClock) {
    auto state = state_every(60s, 600s);
    state.round_started(t0);
    EXPECT_TRUE(state.health(t0 + 500s, 7).healthy);
    EXPECT_TRUE(state.health(t0 + 1000s, 7).healthy);
    EXPECT_FALSE(state.health(t0 + 1101s, 7).healthy);
    EXPECT_TRUE(state.health(t0 + 1102s, 8).healthy);
}

TEST(WatchState, HealthyAfterASucceededRoundHoweverLongTheWait) {
    auto state = state_every(24h, 60s);
    state.round_started(t0);
    state.round_ended(t0 + 10s, 0, "");
    const auto status = state.health(t0 + 20h, 0);
    EXPECT_TRUE(status.healthy);
    EXPECT_EQ(status.reason, "round 1 succeeded");
}

TEST(WatchState, UnhealthyAfterAFailedRoundSayingWhyInOneLine) {
    auto state = state_every();
    state.round_started(t0);
    state.round_ended(t0 + 1s, 1, "2 images failed:\ndestination refused");
    const auto status = state.health(t0 + 2s, 0);
    EXPECT_FALSE(status.healthy);
    EXPECT_EQ(status.reason, "round 1 failed (exit 1): 2 images failed: destination refused");
}

TEST(WatchState, ALongFailureIsCutToABoundedLine) {
    auto state = state_every();
    state.round_started(t0);
    state.round_ended(t0 + 1s, 1, std::string(10000, 'e'));
    EXPECT_LT(state.health(t0 + 2s, 0).reason.size(), 400u);
}

TEST(WatchState, ARoundRunningAfterAFailedOneIsHealthyAgain) {
    auto state = state_every();
    state.round_started(t0);
    state.round_ended(t0 + 1s, 2, "preflight: destination refused");
    state.round_started(t0 + 61s);
    EXPECT_TRUE(state.health(t0 + 62s, 0).healthy);
}

TEST(WatchState, ASucceededRoundAfterAFailedOneRecovers) {
    auto state = state_every();
    state.round_started(t0);
    state.round_ended(t0 + 1s, 1, "x");
    state.round_started(t0 + 61s);
    state.round_ended(t0 + 62s, 0, "");
    const auto status = state.health(t0 + 63s, 0);
    EXPECT_TRUE(status.healthy);
    EXPECT_EQ(status.reason, "round 2 succeeded");
}

TEST(CountedSince, CountersAreTheRoundsGaugesAreNow) {
    metrics::Metrics::Snapshot start;
    start.images_copied = 5;
    start.blobs_uploaded = 10;
    start.bytes_transferred = 1000;
    start.inflight = 3;
    metrics::Metrics::Snapshot now = start;
    now.images_copied = 6;
    now.blobs_uploaded = 12;
    now.bytes_transferred = 1500;
    now.inflight = 1;
    const auto round = counted_since(now, start);
    EXPECT_EQ(round.images_copied, 1u);
    EXPECT_EQ(round.blobs_uploaded, 2u);
    EXPECT_EQ(round.bytes_transferred, 500u);
    EXPECT_EQ(round.inflight, 1);
}

ImageRecord record(ImageOutcome status, std::string error = {}, std::string summary = {}) {
    ImageRecord image{"src/a:1", "dst/a:1", "sha256:00", status, std::move(error)};
    image.failure_summary = std::move(summary);
    return image;
}

TEST(RoundFailure, ACompleteRoundHasNone) {
    RunReport report;
    report.images = {record(ImageOutcome::copied), record(ImageOutcome::skipped)};
    EXPECT_EQ(round_failure(report), "");
}

TEST(RoundFailure, CountsFailuresAndNamesTheMostFrequent) {
    RunReport report;
    report.images = {record(ImageOutcome::failed, "e1", "destination refused"),
                     record(ImageOutcome::failed, "e2", "destination refused"),
                     record(ImageOutcome::not_attempted, "breaker")};
    EXPECT_EQ(round_failure(report), "2 images failed, 1 image not attempted: destination refused");
}

TEST(RoundFailure, WithoutASummaryTheFirstFailedImageSpeaks) {
    RunReport report;
    report.images = {record(ImageOutcome::copied), record(ImageOutcome::failed, "layer gone")};
    EXPECT_EQ(round_failure(report), "1 image failed: src/a:1: layer gone");
}

TEST(RoundFailure, ARefusedPruneFailsTheRound) {
    RunReport report;
    report.images = {record(ImageOutcome::copied)};
    report.deletions = {{"dst/a:old", "sha256:01", DeletionOutcome::untagged, ""},
                        {"dst/b", "", DeletionOutcome::failed, "deletes are disabled"}};
    EXPECT_EQ(round_failure(report), "1 tag deletions failed: dst/b: deletes are disabled");
}

TEST(RoundFailure, TheRunsOwnErrorComesFirst) {
    RunReport report;
    report.error = "catalog refused";
    EXPECT_EQ(round_failure(report), "catalog refused");
}

TEST(ProgressCounter, MovesWithRequestsBytesAndImages) {
    metrics::Metrics::Snapshot s;
    const auto base = progress_counter(s);
    s.http_requests = 1;
    EXPECT_NE(progress_counter(s), base);
    const auto after_request = progress_counter(s);
    s.bytes_transferred = 10;
    EXPECT_NE(progress_counter(s), after_request);
    const auto after_bytes = progress_counter(s);
    s.images_skipped = 1;
    EXPECT_NE(progress_counter(s), after_bytes);
}

}  // namespace
}  // namespace regmigrate::engine
