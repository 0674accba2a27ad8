#include "engine/copy/adaptive_limit.hpp"

#include <algorithm>

namespace regmigrate::engine {

AdaptiveLimit::AdaptiveLimit(AdaptiveLimitOptions options) : options_(options) {
    options_.min = std::max<std::size_t>(options_.min, 1);
    options_.max = std::max(options_.max, options_.min);
    limit_ = std::clamp(options_.initial, options_.min, options_.max);
}

void AdaptiveLimit::set_limit(std::size_t limit) {
    const std::size_t bounded = std::clamp(limit, options_.min, options_.max);
    if (bounded < limit_) {
        slow_start_ = false;
        // The other transfers in flight were started under the old limit, and the rounds
        // measured at it no longer describe the new one.
        stale_ = limit_ - 1;
        previous_rate_.reset();
    }
    limit_ = bounded;
    round_samples_ = 0;
    round_bytes_ = 0;
    round_seconds_ = 0;
}

std::size_t AdaptiveLimit::record(const TransferSample& sample) {
    if (stale_ > 0) {
        --stale_;
        if (sample.throttled)
            return limit_;
    } else if (sample.throttled) {
        set_limit(limit_ / 2);
        return limit_;
    }
    if (sample.bytes < options_.min_sample_bytes)
        return limit_;
    ++round_samples_;
    round_bytes_ += sample.bytes;
    round_seconds_ += sample.seconds;
    if (round_samples_ >= limit_)
        finish_round();
    return limit_;
}

bool AdaptiveLimit::paid_off(double rate) const {
    const double raise = static_cast<double>(limit_) / static_cast<double>(*doubled_from_) - 1;
    return rate >= *previous_rate_ * (1 + options_.doubling_payoff * raise);
}

std::size_t AdaptiveLimit::grown() const {
    return slow_start_ ? limit_ * 2 : limit_ + 1;
}

void AdaptiveLimit::finish_round() {
    if (round_seconds_ <= 0) {
        set_limit(grown());  // too fast to measure: nothing is holding it back
        return;
    }
    const double rate =
        static_cast<double>(limit_) * static_cast<double>(round_bytes_) / round_seconds_;
    const bool fell = previous_rate_ && rate < *previous_rate_ * (1 - options_.tolerance);
    if (fell && !fell_once_) {
        fell_once_ = true;
        set_limit(limit_);  // held: a new round at the same limit confirms or clears it
        return;
    }
    fell_once_ = false;
    const std::size_t before = limit_;
    if (!fell && doubled_from_ && previous_rate_ && !paid_off(rate)) {
        set_limit(*doubled_from_);  // the doubling bought nothing: undone, slow start over
        doubled_from_.reset();
        return;
    }
    doubled_from_.reset();
    if (!fell && slow_start_ && limit_ < options_.max)
        doubled_from_ = before;
    set_limit(fell ? before * 3 / 4 : grown());
    // After a decrease the next round sets the baseline; at the bounds this one does.
    if (limit_ >= before)
        previous_rate_ = rate;
}

}  // namespace regmigrate::engine
