#include "engine/transfer_limiter.hpp"

#include "engine/poll_backoff.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

TransferLimiter::TransferLimiter(std::size_t max_transfers, std::uint64_t max_bytes)
    : max_transfers_(std::max<std::size_t>(max_transfers, 1)), max_bytes_(max_bytes) {}

bool TransferLimiter::try_acquire(std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    if (transfers_ >= max_transfers_) return false;
    if (transfers_ > 0 && bytes_ + bytes > max_bytes_) return false;
    ++transfers_;
    bytes_ += bytes;
    return true;
}

asio::awaitable<void> TransferLimiter::acquire(std::uint64_t bytes) {
    if (try_acquire(bytes)) co_return;
    PollBackoff backoff(co_await asio::this_coro::executor);
    while (!try_acquire(bytes)) co_await backoff.wait();
}

void TransferLimiter::release(std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    --transfers_;
    bytes_ -= bytes;
}

std::size_t TransferLimiter::transfers() const {
    std::lock_guard lock(mutex_);
    return transfers_;
}

std::uint64_t TransferLimiter::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

}  // namespace regmigrate::engine
