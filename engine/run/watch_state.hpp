// `sync --watch`: the decisions of continuous sync, without clocks or sockets. The loop
// (tools/cli/watch_loop.cpp) tells a WatchState when rounds start and end and what the
// run has done so far; the state answers when the next round starts and what /healthz
// says.
//
// Health: healthy before the first round ends, while the last round succeeded, and while a
// round runs and keeps making progress (an HTTP answer, a byte moved or an image finished
// within stall_after). Unhealthy after a failed round until the next one starts, and while
// a round makes no progress for longer than stall_after (a hung run that only a restart
// cures). A running round is healthy again after a failed one: it is the retry.
#pragma once

#include "engine/run/run_report.hpp"
#include "metrics/health_status.hpp"
#include "metrics/watch_metrics.hpp"
#include "transport/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::engine {

using WatchClock = std::chrono::steady_clock;

// A duration as parse_duration reads it ("30s", "5m", "1h30m", "2d"); `flag` names the
// option in the error.
Expected<std::chrono::seconds> parse_watch_duration(std::string_view text, std::string_view flag);

using metrics::HealthStatus;
using metrics::RoundResult;

// A round's counts out of totals that keep counting across rounds: counters as `now` minus
// `round_start`, gauges (in flight, queue depth) as they are now. The round's report shows
// these; /metrics keeps the totals.
metrics::Metrics::Snapshot counted_since(const metrics::Metrics::Snapshot& now,
                                         const metrics::Metrics::Snapshot& round_start);

// The one line a round that ended with images failed (or not attempted) gives /healthz and
// the log: "2 images failed: <most frequent failure>"; "" for a complete round.
std::string round_failure(const RunReport& report);

// What moves while a round works: requests answered, bytes moved, images finished.
std::uint64_t progress_counter(const metrics::Metrics::Snapshot& snapshot);

class WatchState {
  public:
    WatchState(std::chrono::seconds interval, std::chrono::seconds stall_after);

    void round_started(WatchClock::time_point now);
    // `why` is the round's one-line failure (empty when it succeeded). Returns when the
    // next round starts: `interval` after this one ended.
    WatchClock::time_point round_ended(WatchClock::time_point now, int exit_code, std::string why);
    // `progress` is any counter that moves while the run works (requests answered, bytes,
    // images); a change since the last call counts as progress at `now`.
    HealthStatus health(WatchClock::time_point now, std::uint64_t progress);

    std::uint64_t rounds_ended() const { return rounds_ended_; }

  private:
    std::chrono::seconds interval_;
    std::chrono::seconds stall_after_;
    bool running_ = false;
    WatchClock::time_point last_progress_{};
    std::uint64_t progress_seen_ = 0;
    std::uint64_t rounds_ended_ = 0;
    std::optional<RoundResult> last_result_;
    int last_exit_code_ = 0;
    std::string last_failure_;
};

}  // namespace regmigrate::engine
