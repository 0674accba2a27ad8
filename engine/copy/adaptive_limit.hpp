// How many blob transfers to run at once, tuned from what the transfers report (AIMD:
// additive increase, multiplicative decrease). Pure: no clock, no I/O; feed it samples.
//
// Why these signals:
// - 429 and 503 are the registry saying "slow down" outright (rate limits, overloaded
//   storage). They are the one unambiguous signal, so they halve the limit at once. The
//   transfers already in flight when that happens were started under the old limit and
//   likely fail the same way: their throttles are not counted a second time.
// - Throughput and latency together: every transfer reports its bytes and how long it
//   took. Over one round (as many completions as the limit) the per-transfer rate is
//   bytes / seconds summed over the round, and by Little's law the aggregate rate is that
//   times the transfers in flight (the limit, while the pipeline is full). When another
//   stream only makes every stream slower (the registry's disk, CPU or link is the
//   bottleneck) latency rises and the aggregate stops growing; when it falls by more than
//   a tolerance against the last round that did not, two rounds in a row, the limit
//   shrinks to three quarters. One such round alone holds the limit where it is: a
//   machine's CPU contention or a burst of slow answers makes single rounds dip, and
//   shrinking by a quarter on each dip while growing by one per round would keep the
//   limit low on a distant registry that is not congested at all.
//   Otherwise the limit grows, like TCP's congestion window: doubling per round until the
//   first decrease (slow start: a fleet of small images must not spend its first rounds
//   creeping up from where it started), then one more transfer per round. A doubling has
//   to pay: when the round after it moved less than a quarter more than the round before,
//   throughput stopped improving (a registry, or this machine, is at its limit), and the
//   limit goes back to where it was and grows by one per round from there. Against a
//   distant registry that is not busy each stream keeps its speed, so doubling them nearly
//   doubles the rate.
// - Transfers below min_sample_bytes (configs, small layers) last about one round trip
//   whatever the load, so their rate says nothing about bandwidth: counted in rounds, a
//   round's rate would follow the mix of blob sizes rather than congestion.
// Nothing else (other errors, mounts, existing blobs) says anything about load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace regmigrate::engine {

struct TransferSample {
    std::uint64_t bytes = 0;
    double seconds = 0;      // from the first request to the last byte accepted
    bool throttled = false;  // a 429 or 503 from either registry
};

struct AdaptiveLimitOptions {
    std::size_t min = 1;
    std::size_t max = 32;
    std::size_t initial = 4;
    // A round's aggregate rate this far below the previous round's counts as congestion.
    double tolerance = 0.1;
    // A doubling of the limit is kept when the aggregate rate rose by at least this share of
    // the raise (a doubling: a quarter more; a doubling cut short at max: in proportion).
    double doubling_payoff = 0.25;
    std::uint64_t min_sample_bytes = 64 * 1024;
};

class AdaptiveLimit {
  public:
    // initial is clamped into [min, max]; min is at least 1 and max at least min.
    explicit AdaptiveLimit(AdaptiveLimitOptions options);

    // Takes one finished (or throttled) transfer; returns the limit from now on.
    std::size_t record(const TransferSample& sample);
    std::size_t limit() const { return limit_; }

  private:
    void set_limit(std::size_t limit);
    void finish_round();
    std::size_t grown() const;
    // Whether the round at a doubled limit moved enough more than the one before it.
    bool paid_off(double rate) const;

    AdaptiveLimitOptions options_;
    std::size_t limit_;
    bool slow_start_ = true;  // until the first decrease
    // Completions still to come from transfers started before the last decrease.
    std::size_t stale_ = 0;
    std::size_t round_samples_ = 0;
    std::uint64_t round_bytes_ = 0;
    double round_seconds_ = 0;
    std::optional<double> previous_rate_;      // aggregate bytes/s of the last uncongested round
    bool fell_once_ = false;                   // the last round fell below it: one more confirms
    std::optional<std::size_t> doubled_from_;  // the limit before the last doubling
};

}  // namespace regmigrate::engine
