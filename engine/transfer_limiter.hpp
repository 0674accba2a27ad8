// Global bounds on blob transfers in flight across every worker and thread: how many at
// once, and how many bytes they may add up to. A blob larger than the byte bound still
// goes, alone.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>

namespace regmigrate::engine {

class TransferLimiter {
public:
    TransferLimiter(std::size_t max_transfers, std::uint64_t max_bytes);

    // Waits (polling, like the task queue) until the transfer fits both bounds.
    boost::asio::awaitable<void> acquire(std::uint64_t bytes);
    void release(std::uint64_t bytes);

    std::size_t transfers() const;
    std::uint64_t bytes() const;

private:
    bool try_acquire(std::uint64_t bytes);

    const std::size_t max_transfers_;
    const std::uint64_t max_bytes_;
    mutable std::mutex mutex_;
    std::size_t transfers_ = 0;
    std::uint64_t bytes_ = 0;
};

// Holds a granted transfer until it leaves scope.
class TransferSlot {
public:
    TransferSlot(TransferLimiter& limiter, std::uint64_t bytes) : limiter_(limiter), bytes_(bytes) {}
    ~TransferSlot() { limiter_.release(bytes_); }
    TransferSlot(const TransferSlot&) = delete;
    TransferSlot& operator=(const TransferSlot&) = delete;

private:
    TransferLimiter& limiter_;
    std::uint64_t bytes_;
};

}  // namespace regmigrate::engine
