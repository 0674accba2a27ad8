#include "metrics/progress.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace regmigrate::metrics {

namespace {

constexpr double kMaxDurationSeconds = 100.0 * 86400.0;
// Doubles at or past 2^64 do not convert to uint64_t; no link moves that much anyway.
constexpr double kMaxRate = 1.8e19;

std::string printf_string(const char* format, auto... args) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, format, args...);
    return std::string(buf, static_cast<std::size_t>(std::clamp(n, 0, int(sizeof buf) - 1)));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ProgressState progress_from_snapshot(const Metrics::Snapshot& s, uint64_t images_total,
                                     double elapsed_seconds) {
    ProgressState p;
    p.images_done = s.images_copied + s.images_skipped + s.images_failed;
    p.images_total = images_total;
    p.bytes = s.bytes_transferred;
    p.elapsed_seconds = elapsed_seconds;
    p.inflight = s.inflight;
    p.mounts = s.blobs_mounted;
    p.errors = s.images_failed;
    return p;
}

std::string format_bytes(uint64_t bytes) {
    static constexpr std::array<const char*, 7> units{"B",   "KiB", "MiB", "GiB",
                                                      "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        return std::to_string(bytes) + " B";
    }
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    // Step up while one decimal would round to 1024.0 of the current unit.
    while (value >= 1023.95 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    return printf_string("%.1f %s", value, units[unit]);
}

std::string format_rate(double bytes_per_second) {
    if (!std::isfinite(bytes_per_second) || bytes_per_second <= 0) {
        return "0 B/s";
    }
    const double capped = std::min(bytes_per_second, kMaxRate);
    return format_bytes(static_cast<uint64_t>(std::round(capped))) + "/s";
}

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return "--";
    }
    if (seconds >= kMaxDurationSeconds) {
        return ">99d";
    }
    const long long total = std::llround(seconds);
    const long long days = total / 86400;
    const long long hours = (total % 86400) / 3600;
    const long long minutes = (total % 3600) / 60;
    const long long secs = total % 60;
    if (days > 0) {
        return printf_string("%lldd%02lldh", days, hours);
    }
    if (hours > 0) {
        return printf_string("%lldh%02lldm", hours, minutes);
    }
    if (minutes > 0) {
        return printf_string("%lldm%02llds", minutes, secs);
    }
    return printf_string("%llds", secs);
}

std::optional<double> estimate_remaining_seconds(const ProgressState& state,
                                                 double images_per_second) {
    if (state.images_total == 0) {
        return std::nullopt;
    }
    if (state.images_done >= state.images_total) {
        return 0.0;
    }
    if (!std::isfinite(images_per_second) || images_per_second <= 0) {
        return std::nullopt;
    }
    return static_cast<double>(state.images_total - state.images_done) / images_per_second;
}

std::string render_progress_line(const ProgressState& state, double bytes_per_second,
                                 std::optional<double> images_per_second) {
    std::string line = "images " + std::to_string(state.images_done);
    if (state.images_total == 0) {
        line += "/?";
    } else {
        const double ratio =
            static_cast<double>(state.images_done) / static_cast<double>(state.images_total);
        auto percent = static_cast<uint64_t>(std::min(100.0, std::floor(ratio * 100.0)));
        // Large counts lose precision in double; never claim 100% before the end.
        if (state.images_done < state.images_total) {
            percent = std::min<uint64_t>(percent, 99);
        }
        line += "/" + std::to_string(state.images_total) + " (" + std::to_string(percent) + "%)";
    }
    line += "  " + format_bytes(state.bytes) + "  " + format_rate(bytes_per_second);
    if (state.images_total != 0) {
        const double rate = images_per_second.value_or(
            state.elapsed_seconds > 0
                ? static_cast<double>(state.images_done) / state.elapsed_seconds
                : 0.0);
        const auto eta = estimate_remaining_seconds(state, rate);
        line += "  ETA " + (eta ? format_duration(*eta) : std::string("--"));
    }
    line += "  in-flight " + std::to_string(state.inflight);
    line +=
        "  " + std::string(to_string(BlobOutcome::mounted)) + " " + std::to_string(state.mounts);
    line += "  errors " + std::to_string(state.errors);
    return line;
}

void RateWindow::add(double t_seconds, uint64_t bytes, uint64_t images) {
    samples_.push_back({t_seconds, bytes, images});
    // Keep the newest sample at or before the window start as the baseline.
    while (samples_.size() > 2 && samples_[1].t <= t_seconds - window_) {
        samples_.pop_front();
    }
}

double RateWindow::per_second(uint64_t Sample::*field) const {
    if (samples_.size() < 2) {
        return 0;
    }
    const Sample& first = samples_.front();
    const Sample& last = samples_.back();
    const double dt = last.t - first.t;
    if (dt <= 0 || last.*field < first.*field) {
        return 0;
    }
    return static_cast<double>(last.*field - first.*field) / dt;
}

double RateWindow::bytes_per_second() const {
    return per_second(&Sample::bytes);
}

double RateWindow::images_per_second() const {
    return per_second(&Sample::images);
}

ProgressReporter::ProgressReporter(std::function<ProgressState()> sample, ProgressOptions options)
    : sample_(std::move(sample)),
      options_(options),
      rates_(std::chrono::duration<double>(options.window).count()),
      start_(std::chrono::steady_clock::now()),
      last_log_(start_) {
    const ProgressState initial = sample_();
    rates_.add(0.0, initial.bytes, initial.images_done);
    thread_ = std::thread([this] { run(); });
}

ProgressReporter::~ProgressReporter() {
    stop();
}

void ProgressReporter::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    report(true);
}

void ProgressReporter::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
        lock.unlock();
        report(false);
        lock.lock();
    }
}

void ProgressReporter::report(bool final) {
    ProgressState state = sample_();
    state.elapsed_seconds = seconds_since(start_);
    rates_.add(state.elapsed_seconds, state.bytes, state.images_done);
    const double bytes_rate = rates_.bytes_per_second();

    if (options_.interactive) {
        // \r and "erase line" so a shorter line leaves no tail of the previous one.
        std::string out =
            "\r\x1b[2K" + render_progress_line(state, bytes_rate, rates_.images_per_second());
        if (final) {
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), options_.terminal);
        std::fflush(options_.terminal);
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_log_ < options_.log_every) {
        return;
    }
    last_log_ = now;
    log(LogLevel::info, final ? "progress final" : "progress",
        {{"images_done", std::to_string(state.images_done)},
         {"images_total", std::to_string(state.images_total)},
         {"bytes", std::to_string(state.bytes)},
         {"bytes_per_second",
          std::to_string(static_cast<uint64_t>(std::min(bytes_rate, kMaxRate)))},
         {"inflight", std::to_string(state.inflight)},
         {to_string(BlobOutcome::mounted), std::to_string(state.mounts)},
         {"errors", std::to_string(state.errors)},
         {"elapsed", format_duration(state.elapsed_seconds)}});
}

}  // namespace regmigrate::metrics
