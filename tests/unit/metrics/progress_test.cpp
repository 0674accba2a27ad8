#include "metrics/progress.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>

namespace regmigrate::metrics {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

std::string read_all(FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        out.append(buf, n);
    }
    return out;
}

TEST(FormatBytes, BelowOneKibibyteIsWholeBytes) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
}

TEST(FormatBytes, LargerValuesUseBinaryUnitsWithOneDecimal) {
    EXPECT_EQ(format_bytes(1024), "1.0 KiB");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(1288490189), "1.2 GiB");
    EXPECT_EQ(format_bytes(5 * 1024 * kGiB), "5.0 TiB");
}

TEST(FormatBytes, ValueThatWouldRoundTo1024MovesToTheNextUnit) {
    EXPECT_EQ(format_bytes(kMiB - 1), "1.0 MiB");
    EXPECT_EQ(format_bytes(1023 * 1024 + 900), "1023.9 KiB");
}

TEST(FormatBytes, MaximumValueIsSixteenExbibytes) {
    EXPECT_EQ(format_bytes(std::numeric_limits<uint64_t>::max()), "16.0 EiB");
}

TEST(FormatRate, IsBytesPerSecond) {
    EXPECT_EQ(format_rate(85.3 * kMiB), "85.3 MiB/s");
    EXPECT_EQ(format_rate(512), "512 B/s");
}

TEST(FormatRate, ZeroNegativeAndNotANumberReadZero) {
    EXPECT_EQ(format_rate(0), "0 B/s");
    EXPECT_EQ(format_rate(-5), "0 B/s");
    EXPECT_EQ(format_rate(std::nan("")), "0 B/s");
}

TEST(FormatRate, AbsurdRatesAreCappedInsteadOfOverflowing) {
    EXPECT_EQ(format_rate(1e30), "15.6 EiB/s");
}

TEST(FormatDuration, UnderAMinuteIsSeconds) {
    EXPECT_EQ(format_duration(0), "0s");
    EXPECT_EQ(format_duration(59.4), "59s");
}

TEST(FormatDuration, RoundsToTheNearestSecond) {
    EXPECT_EQ(format_duration(59.6), "1m00s");
}

TEST(FormatDuration, ShowsTheTwoLargestUnits) {
    EXPECT_EQ(format_duration(130), "2m10s");
    EXPECT_EQ(format_duration(3600), "1h00m");
    EXPECT_EQ(format_duration(3725), "1h02m");
    EXPECT_EQ(format_duration(90000), "1d01h");
}

TEST(FormatDuration, HundredDaysOrMoreIsCapped) {
    EXPECT_EQ(format_duration(99 * 86400.0), "99d00h");
    EXPECT_EQ(format_duration(100 * 86400.0), ">99d");
    EXPECT_EQ(format_duration(1e300), ">99d");
}

TEST(FormatDuration, NegativeOrNotFiniteIsUnknown) {
    EXPECT_EQ(format_duration(-1), "--");
    EXPECT_EQ(format_duration(std::nan("")), "--");
    EXPECT_EQ(format_duration(std::numeric_limits<double>::infinity()), "--");
}

TEST(EstimateRemaining, IsRemainingImagesOverRate) {
    ProgressState s{.images_done = 100, .images_total = 300};
    EXPECT_DOUBLE_EQ(*estimate_remaining_seconds(s, 4.0), 50.0);
}

TEST(EstimateRemaining, UnknownTotalOrNoProgressHasNoEstimate) {
    EXPECT_FALSE(estimate_remaining_seconds({.images_done = 10, .images_total = 0}, 5.0));
    EXPECT_FALSE(estimate_remaining_seconds({.images_done = 10, .images_total = 20}, 0.0));
}

TEST(EstimateRemaining, FinishedIsZero) {
    EXPECT_EQ(*estimate_remaining_seconds({.images_done = 20, .images_total = 20}, 0.0), 0.0);
}

TEST(RenderProgressLine, ShowsCountsPercentBytesRateEtaAndActivity) {
    ProgressState s{.images_done = 120,
                    .images_total = 1000,
                    .bytes = 1288490189,
                    .elapsed_seconds = 30,
                    .inflight = 8,
                    .mounts = 340,
                    .errors = 0};
    EXPECT_EQ(render_progress_line(s, 85.3 * kMiB, 880.0 / 130.0),
              "images 120/1000 (12%)  1.2 GiB  85.3 MiB/s  ETA 2m10s  in-flight 8  "
              "mounted 340  errors 0");
}

TEST(RenderProgressLine, UnknownTotalShowsQuestionMarkAndNoEta) {
    ProgressState s{.images_done = 120, .images_total = 0, .bytes = 2048, .elapsed_seconds = 3};
    EXPECT_EQ(render_progress_line(s, 1024, 40.0),
              "images 120/?  2.0 KiB  1.0 KiB/s  in-flight 0  mounted 0  errors 0");
}

TEST(RenderProgressLine, ZeroRateShowsUnknownEta) {
    ProgressState s{.images_done = 0, .images_total = 50};
    EXPECT_EQ(render_progress_line(s, 0, 0.0),
              "images 0/50 (0%)  0 B  0 B/s  ETA --  in-flight 0  mounted 0  errors 0");
}

TEST(RenderProgressLine, WithoutAnImageRateTheEtaUsesTheRunAverage) {
    ProgressState s{.images_done = 100, .images_total = 200, .elapsed_seconds = 100};
    EXPECT_NE(render_progress_line(s, 0).find("ETA 1m40s"), std::string::npos);
}

TEST(RenderProgressLine, FinishedRunIsHundredPercentWithZeroEta) {
    ProgressState s{.images_done = 7, .images_total = 7, .errors = 2};
    const std::string line = render_progress_line(s, 0, 0.0);
    EXPECT_NE(line.find("images 7/7 (100%)"), std::string::npos);
    EXPECT_NE(line.find("ETA 0s"), std::string::npos);
    EXPECT_NE(line.find("errors 2"), std::string::npos);
}

TEST(RenderProgressLine, HugeCountsNeverClaimCompletionEarly) {
    constexpr uint64_t max = std::numeric_limits<uint64_t>::max();
    ProgressState s{.images_done = max - 1, .images_total = max, .bytes = max};
    const std::string line = render_progress_line(s, 1e30, 1.0);
    EXPECT_NE(line.find("images 18446744073709551614/18446744073709551615 (99%)"),
              std::string::npos);
    EXPECT_NE(line.find("16.0 EiB"), std::string::npos);
    EXPECT_NE(line.find("ETA 1s"), std::string::npos);
}

TEST(ProgressFromSnapshot, DoneCountsEveryImageResultAndErrorsCountFailures) {
    Metrics::Snapshot snap;
    snap.images_copied = 5;
    snap.images_skipped = 3;
    snap.images_failed = 2;
    snap.blobs_mounted = 11;
    snap.bytes_transferred = 999;
    snap.inflight = 4;
    const ProgressState p = progress_from_snapshot(snap, 40, 12.5);
    EXPECT_EQ(p.images_done, 10u);
    EXPECT_EQ(p.images_total, 40u);
    EXPECT_EQ(p.errors, 2u);
    EXPECT_EQ(p.mounts, 11u);
    EXPECT_EQ(p.bytes, 999u);
    EXPECT_EQ(p.inflight, 4);
    EXPECT_EQ(p.elapsed_seconds, 12.5);
}

TEST(RateWindow, SingleSampleHasNoRate) {
    RateWindow w(10);
    w.add(0, 1000, 5);
    EXPECT_EQ(w.bytes_per_second(), 0);
    EXPECT_EQ(w.images_per_second(), 0);
}

TEST(RateWindow, RateIsGrowthOverElapsedTime) {
    RateWindow w(10);
    w.add(0, 0, 0);
    w.add(2, 4000, 6);
    EXPECT_DOUBLE_EQ(w.bytes_per_second(), 2000);
    EXPECT_DOUBLE_EQ(w.images_per_second(), 3);
}

TEST(RateWindow, SamplesOlderThanTheWindowStopCounting) {
    RateWindow w(10);
    w.add(0, 0, 0);
    w.add(10, 100'000, 0);  // a fast start...
    w.add(20, 110'000, 0);  // ...then 1000 B/s
    EXPECT_DOUBLE_EQ(w.bytes_per_second(), 1000);
}

TEST(ProgressReporter, RedrawsOneLineInPlaceOnATerminal) {
    FILE* term = std::tmpfile();
    std::atomic<uint64_t> done{0};
    ProgressReporter reporter(
        [&] { return ProgressState{.images_done = ++done, .images_total = 1000}; },
        {.interval = std::chrono::milliseconds(5), .interactive = true, .terminal = term});
    while (done < 5) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    reporter.stop();
    const std::string out = read_all(term);
    std::fclose(term);
    EXPECT_EQ(out.rfind("\r\x1b[2Kimages ", 0), 0u) << out;
    EXPECT_NE(out.find("\r\x1b[2K", 1), std::string::npos) << "expected several redraws";
    // Only the final line ends with a newline.
    EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(ProgressReporter, StopReturnsPromptlyEvenWithALongInterval) {
    FILE* term = std::tmpfile();
    ProgressReporter reporter(
        [] { return ProgressState{}; },
        {.interval = std::chrono::hours(1), .interactive = true, .terminal = term});
    const auto before = std::chrono::steady_clock::now();
    reporter.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(500));
    EXPECT_EQ(read_all(term),
              "\r\x1b[2Kimages 0/?  0 B  0 B/s  in-flight 0  mounted 0  errors 0\n");
    std::fclose(term);
}

TEST(ProgressReporter, StopTwiceEmitsTheFinalLineOnce) {
    FILE* term = std::tmpfile();
    ProgressReporter reporter(
        [] { return ProgressState{}; },
        {.interval = std::chrono::hours(1), .interactive = true, .terminal = term});
    reporter.stop();
    reporter.stop();
    const std::string out = read_all(term);
    EXPECT_EQ(out.find('\n'), out.size() - 1);
    std::fclose(term);
}

TEST(ProgressReporter, WithoutATerminalLogsStructuredProgressLines) {
    FILE* sink = std::tmpfile();
    log_configure(LogFormat::json, LogLevel::info, sink);
    {
        ProgressReporter reporter(
            [] {
                return ProgressState{
                    .images_done = 3, .images_total = 9, .bytes = 4096, .mounts = 2};
            },
            {.interval = std::chrono::hours(1), .interactive = false});
        reporter.stop();
    }
    log_configure(LogFormat::text, LogLevel::info, stderr);
    const std::string out = read_all(sink);
    std::fclose(sink);
    ASSERT_FALSE(out.empty());
    const auto obj = boost::json::parse(out.substr(0, out.find('\n'))).as_object();
    EXPECT_EQ(obj.at("msg").as_string(), "progress final");
    EXPECT_EQ(obj.at("images_done").as_string(), "3");
    EXPECT_EQ(obj.at("images_total").as_string(), "9");
    EXPECT_EQ(obj.at("bytes").as_string(), "4096");
    EXPECT_EQ(obj.at("mounted").as_string(), "2");
}

TEST(ProgressReporter, WithoutATerminalPeriodicLinesAreThrottled) {
    FILE* sink = std::tmpfile();
    log_configure(LogFormat::json, LogLevel::info, sink);
    std::atomic<int> samples{0};
    {
        ProgressReporter reporter(
            [&] {
                ++samples;
                return ProgressState{};
            },
            {.interval = std::chrono::milliseconds(1),
             .log_every = std::chrono::hours(1),
             .interactive = false});
        while (samples < 20) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    log_configure(LogFormat::text, LogLevel::info, stderr);
    const std::string out = read_all(sink);
    std::fclose(sink);
    // Twenty samples, but within log_every only the final line is written.
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

}  // namespace
}  // namespace regmigrate::metrics
