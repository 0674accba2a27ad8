// Progress for people: pure formatting of a one-line status, and a reporter thread that
// redraws it in place on a terminal or logs it periodically otherwise.
#pragma once

#include "metrics/metrics.hpp"
#include "transport/log.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace regmigrate::metrics {

struct ProgressState {
    uint64_t images_done = 0;   // copied + skipped + failed
    uint64_t images_total = 0;  // 0: not known yet, enumeration still running
    uint64_t bytes = 0;
    double elapsed_seconds = 0;
    int64_t inflight = 0;
    uint64_t mounts = 0;
    uint64_t errors = 0;
};

ProgressState progress_from_snapshot(const Metrics::Snapshot& snapshot, uint64_t images_total,
                                     double elapsed_seconds);

// Binary units with one decimal: "0 B", "1023 B", "1.0 KiB", "1.2 GiB", "16.0 EiB".
std::string format_bytes(uint64_t bytes);
// format_bytes per second; negative or non-finite rates read "0 B/s".
std::string format_rate(double bytes_per_second);
// "45s", "2m10s", "1h05m", "3d04h"; ">99d" beyond that; "--" when negative or not finite.
std::string format_duration(double seconds);

// Seconds until images_done reaches images_total at the given rate; nullopt when the
// total is unknown or nothing is moving.
std::optional<double> estimate_remaining_seconds(const ProgressState& state,
                                                 double images_per_second);

// "images 120/1000 (12%)  1.2 GiB  85.3 MiB/s  ETA 2m10s  in-flight 8  mounted 340  errors 0".
// The ETA uses images_per_second when given, else the run's average image rate.
std::string render_progress_line(const ProgressState& state, double bytes_per_second,
                                 std::optional<double> images_per_second = std::nullopt);

// Rates over the most recent `window_seconds` of samples.
class RateWindow {
  public:
    explicit RateWindow(double window_seconds) : window_(window_seconds) {}
    void add(double t_seconds, uint64_t bytes, uint64_t images);
    double bytes_per_second() const;
    double images_per_second() const;

  private:
    struct Sample {
        double t;
        uint64_t bytes;
        uint64_t images;
    };
    double per_second(uint64_t Sample::*field) const;

    double window_;
    std::deque<Sample> samples_;
};

struct ProgressOptions {
    std::chrono::milliseconds interval{250};  // how often to sample
    std::chrono::milliseconds window{10'000};
    std::chrono::milliseconds log_every{5'000};  // non-interactive mode only
    bool interactive = stderr_is_terminal();     // redraw in place on `terminal`
    FILE* terminal = stderr;
};

// Samples `sample` every interval on its own thread until stop(). ProgressState's
// elapsed_seconds is filled in here, from the reporter's start.
class ProgressReporter {
  public:
    ProgressReporter(std::function<ProgressState()> sample, ProgressOptions options);
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    // Wakes the thread, joins it and emits the final line. Safe to call twice.
    void stop();

  private:
    void run();
    void report(bool final);

    std::function<ProgressState()> sample_;
    ProgressOptions options_;
    RateWindow rates_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_log_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace regmigrate::metrics
