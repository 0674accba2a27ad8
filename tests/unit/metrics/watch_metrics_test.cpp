#include "metrics/watch_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(RoundResult, ExitCodeZeroSucceededAnyOtherFailed) {
    EXPECT_EQ(round_result(0), RoundResult::succeeded);
    EXPECT_EQ(round_result(1), RoundResult::failed);
    EXPECT_EQ(round_result(2), RoundResult::failed);
    EXPECT_EQ(to_string(RoundResult::succeeded), "succeeded");
    EXPECT_EQ(to_string(RoundResult::failed), "failed");
}

TEST(WatchMetrics, BothResultsAreExportedAtZeroBeforeTheFirstRound) {
    Metrics m;
    WatchMetrics watch(m);
    const auto text = m.text_exposition();
    EXPECT_TRUE(has_line(text, "regmigrate_watch_rounds_total{result=\"succeeded\"} 0")) << text;
    EXPECT_TRUE(has_line(text, "regmigrate_watch_rounds_total{result=\"failed\"} 0")) << text;
}

TEST(WatchMetrics, RoundsCountByResultAndTheLastExitCodeIsKept) {
    Metrics m;
    WatchMetrics watch(m);
    watch.round_started();
    watch.round_ended(0, 1.5);
    watch.round_started();
    watch.round_ended(1, 2.5);
    watch.round_started();
    watch.round_ended(0, 3);
    const auto text = m.text_exposition();
    EXPECT_TRUE(has_line(text, "regmigrate_watch_rounds_total{result=\"succeeded\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "regmigrate_watch_rounds_total{result=\"failed\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "regmigrate_watch_last_round_exit_code 0")) << text;
    EXPECT_TRUE(has_line(text, "regmigrate_watch_last_round_duration_seconds 3")) << text;
}

TEST(WatchMetrics, RunningIsOneOnlyWhileARoundRuns) {
    Metrics m;
    WatchMetrics watch(m);
    watch.round_started();
    EXPECT_TRUE(has_line(m.text_exposition(), "regmigrate_watch_round_running 1"));
    watch.round_ended(2, 0.1);
    EXPECT_TRUE(has_line(m.text_exposition(), "regmigrate_watch_round_running 0"));
    EXPECT_TRUE(has_line(m.text_exposition(), "regmigrate_watch_last_round_exit_code 2"));
}

}  // namespace
}  // namespace regmigrate::metrics
