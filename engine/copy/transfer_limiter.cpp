#include "engine/copy/transfer_limiter.hpp"

#include "engine/copy/byte_count.hpp"
#include "engine/run/poll_backoff.hpp"
#include "metrics/metrics.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

TransferLimiter::TransferLimiter(std::size_t max_transfers, std::uint64_t max_bytes)
    : max_transfers_(std::max<std::size_t>(max_transfers, 1)), max_bytes_(max_bytes) {}

TransferLimiter::TransferLimiter(AdaptiveLimitOptions adaptive, std::uint64_t max_bytes)
    : max_bytes_(max_bytes), adaptive_(adaptive) {
    max_transfers_ = adaptive_->limit();
}

bool TransferLimiter::try_acquire(std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    if (transfers_ >= max_transfers_)
        return false;
    // Saturating: a manifest's size near 2^64 must not wrap past the bound.
    if (transfers_ > 0 && saturating_add(bytes_, bytes) > max_bytes_)
        return false;
    ++transfers_;
    bytes_ = saturating_add(bytes_, bytes);
    return true;
}

asio::awaitable<void> TransferLimiter::acquire(std::uint64_t bytes) {
    if (try_acquire(bytes))
        co_return;
    PollBackoff backoff(co_await asio::this_coro::executor);
    while (!try_acquire(bytes))
        co_await backoff.wait();
}

void TransferLimiter::release(std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    --transfers_;
    // A saturated sum gives back no more than it holds; the last release empties it.
    bytes_ = transfers_ == 0 ? 0 : bytes_ - std::min(bytes_, bytes);
}

void TransferLimiter::record(const TransferSample& sample) {
    std::lock_guard lock(mutex_);
    if (!adaptive_)
        return;
    const std::size_t before = max_transfers_;
    max_transfers_ = adaptive_->record(sample);
    if (metrics_ && max_transfers_ != before)
        metrics_->set_transfer_limit(max_transfers_);
}

void TransferLimiter::report_to(metrics::Metrics& metrics) {
    std::lock_guard lock(mutex_);
    metrics_ = &metrics;
    metrics_->set_transfer_limit(max_transfers_);
}

std::size_t TransferLimiter::max_transfers() const {
    std::lock_guard lock(mutex_);
    return max_transfers_;
}

std::size_t TransferLimiter::transfers() const {
    std::lock_guard lock(mutex_);
    return transfers_;
}

std::uint64_t TransferLimiter::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

double TransferSlot::elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void TransferSlot::succeeded() {
    limiter_.record(TransferSample{bytes_, elapsed_seconds(), false});
}

Error TransferSlot::failed(Error error) {
    if (error.http_status == 429 || error.http_status == 503) {
        limiter_.record(TransferSample{0, elapsed_seconds(), true});
    }
    return error;
}

}  // namespace regmigrate::engine
