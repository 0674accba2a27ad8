#include "engine/run/watch_state.hpp"

#include "engine/plan/duration.hpp"

#include <cctype>

namespace regmigrate::engine {

namespace {

// The body of /healthz is one line: a failure message keeps to one, of bounded length.
std::string one_line(std::string text) {
    constexpr std::size_t max_length = 300;
    for (auto& c : text) {
        if (std::iscntrl(static_cast<unsigned char>(c)))
            c = ' ';
    }
    if (text.size() > max_length)
        text = text.substr(0, max_length) + "...";
    return text;
}

std::string seconds_text(WatchClock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

}  // namespace

Expected<std::chrono::seconds> parse_watch_duration(std::string_view text, std::string_view flag) {
    auto parsed = parse_duration(text);
    if (!parsed)
        return make_error(
            ErrorKind::invalid_argument,
            std::string(flag) + " '" + std::string(text) + "': " + parsed.error().message);
    return parsed;
}

metrics::Metrics::Snapshot counted_since(const metrics::Metrics::Snapshot& now,
                                         const metrics::Metrics::Snapshot& round_start) {
    metrics::Metrics::Snapshot round = now;
    round.images_copied -= round_start.images_copied;
    round.images_skipped -= round_start.images_skipped;
    round.images_failed -= round_start.images_failed;
    round.blobs_uploaded -= round_start.blobs_uploaded;
    round.blobs_mounted -= round_start.blobs_mounted;
    round.blobs_existing -= round_start.blobs_existing;
    round.blobs_deduped -= round_start.blobs_deduped;
    round.bytes_transferred -= round_start.bytes_transferred;
    round.manifests_pushed -= round_start.manifests_pushed;
    round.schema1_conversions -= round_start.schema1_conversions;
    round.http_requests -= round_start.http_requests;
    round.retries -= round_start.retries;
    return round;
}

std::string round_failure(const RunReport& report) {
    if (!report.error.empty())
        return report.error;
    const std::size_t failed = report.failures();
    const std::size_t untried = report.not_attempted();
    if (failed == 0 && untried == 0) {
        const std::size_t refused = report.deletions_with(DeletionOutcome::failed);
        if (refused == 0)
            return "";
        for (const auto& deletion : report.deletions) {
            if (deletion.status == DeletionOutcome::failed)
                return std::to_string(refused) + " tag deletions failed: " + deletion.destination +
                       ": " + deletion.error;
        }
    }
    const auto images = [](std::size_t n) {
        return std::to_string(n) + (n == 1 ? " image" : " images");
    };
    std::string line;
    if (failed > 0)
        line = images(failed) + " failed";
    if (untried > 0)
        line += (line.empty() ? "" : ", ") + images(untried) + " not attempted";
    const auto groups = report.failure_groups();
    if (!groups.empty())
        return line + ": " + groups.front().second;
    for (const auto& image : report.images) {
        if ((image.is_failure() || image.status == ImageOutcome::not_attempted) &&
            !image.error.empty())
            return line + ": " + image.source + ": " + image.error;
    }
    return line;
}

std::uint64_t progress_counter(const metrics::Metrics::Snapshot& snapshot) {
    return snapshot.http_requests + snapshot.bytes_transferred + snapshot.images_copied +
           snapshot.images_skipped + snapshot.images_failed;
}

WatchState::WatchState(std::chrono::seconds interval, std::chrono::seconds stall_after)
    : interval_(interval), stall_after_(stall_after) {}

void WatchState::round_started(WatchClock::time_point now) {
    running_ = true;
    last_progress_ = now;
}

WatchClock::time_point WatchState::round_ended(WatchClock::time_point now, int exit_code,
                                               std::string why) {
    running_ = false;
    ++rounds_ended_;
    last_result_ = metrics::round_result(exit_code);
    last_exit_code_ = exit_code;
    last_failure_ = one_line(std::move(why));
    return now + interval_;
}

HealthStatus WatchState::health(WatchClock::time_point now, std::uint64_t progress) {
    if (progress != progress_seen_) {
        progress_seen_ = progress;
        last_progress_ = now;
    }
    if (running_) {
        const auto quiet = now - last_progress_;
        if (quiet > stall_after_) {
            return {false, "round " + std::to_string(rounds_ended_ + 1) +
                               " has made no progress for " + seconds_text(quiet) +
                               " (--watch-stall-after " + seconds_text(stall_after_) + ")"};
        }
        return {true, "round " + std::to_string(rounds_ended_ + 1) + " running"};
    }
    if (!last_result_)
        return {true, "starting"};
    if (*last_result_ == RoundResult::failed) {
        std::string reason = "round " + std::to_string(rounds_ended_) + " failed (exit " +
                             std::to_string(last_exit_code_) + ")";
        if (!last_failure_.empty())
            reason += ": " + last_failure_;
        return {false, std::move(reason)};
    }
    return {true, "round " + std::to_string(rounds_ended_) + " succeeded"};
}

}  // namespace regmigrate::engine
