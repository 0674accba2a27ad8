// Global bounds on blob transfers in flight across every worker and thread: how many at
// once, and how many bytes they may add up to. A blob larger than the byte bound still
// goes, alone. The count is either fixed or tuned by an AdaptiveLimit from the samples
// the transfers report through their slots.
#pragma once

#include "engine/copy/adaptive_limit.hpp"
#include "transport/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace regmigrate::metrics {
class Metrics;
}

namespace regmigrate::engine {

class TransferLimiter {
  public:
    TransferLimiter(std::size_t max_transfers, std::uint64_t max_bytes);
    // The count bound starts at adaptive.initial and moves within [min, max].
    TransferLimiter(AdaptiveLimitOptions adaptive, std::uint64_t max_bytes);

    // Waits (polling, like the task queue) until the transfer fits both bounds.
    boost::asio::awaitable<void> acquire(std::uint64_t bytes);
    void release(std::uint64_t bytes);
    // A finished or throttled transfer; moves the count bound when it is adaptive.
    void record(const TransferSample& sample);
    // Sets regmigrate_transfer_limit to the count bound now and whenever it moves.
    // `metrics` must outlive this limiter.
    void report_to(metrics::Metrics& metrics);

    std::size_t transfers() const;
    std::uint64_t bytes() const;
    std::size_t max_transfers() const;

  private:
    bool try_acquire(std::uint64_t bytes);

    std::size_t max_transfers_;
    const std::uint64_t max_bytes_;
    std::optional<AdaptiveLimit> adaptive_;
    metrics::Metrics* metrics_ = nullptr;
    mutable std::mutex mutex_;
    std::size_t transfers_ = 0;
    std::uint64_t bytes_ = 0;
};

// Holds a granted transfer until it leaves scope, and times it from construction.
class TransferSlot {
  public:
    TransferSlot(TransferLimiter& limiter, std::uint64_t bytes)
        : limiter_(limiter), bytes_(bytes), started_(std::chrono::steady_clock::now()) {}
    ~TransferSlot() { limiter_.release(bytes_); }
    TransferSlot(const TransferSlot&) = delete;
    TransferSlot& operator=(const TransferSlot&) = delete;

    // The bytes went through: a throughput and latency sample.
    void succeeded();
    // Returns error unchanged; a 429 or 503 is reported as a throttled sample first.
    Error failed(Error error);

  private:
    double elapsed_seconds() const;

    TransferLimiter& limiter_;
    std::uint64_t bytes_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace regmigrate::engine
