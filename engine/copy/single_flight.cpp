#include "engine/copy/single_flight.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

Wakeup::Wakeup(asio::any_io_executor executor) : timer_(std::move(executor)) {}

asio::awaitable<void> Wakeup::wait(std::chrono::steady_clock::duration limit) {
    timer_.expires_after(limit);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

void Wakeup::wake(std::shared_ptr<Wakeup> wakeup) {
    const auto executor = wakeup->timer_.get_executor();
    // On a single-threaded executor the post runs while the waiter is suspended in wait();
    // if its wait already ended, the waiter looks at the state before waiting again.
    asio::post(executor, [wakeup = std::move(wakeup)] { wakeup->timer_.cancel(); });
}

void WaiterList::add(const std::shared_ptr<Wakeup>& wakeup) {
    std::erase_if(waiters_, [](const std::weak_ptr<Wakeup>& waiter) { return waiter.expired(); });
    const bool listed = std::any_of(waiters_.begin(), waiters_.end(), [&](const auto& waiter) {
        return !waiter.owner_before(wakeup) && !wakeup.owner_before(waiter);
    });
    if (!listed)
        waiters_.push_back(wakeup);
}

void WaiterList::wake_all() && {
    for (const auto& waiter : waiters_) {
        if (auto wakeup = waiter.lock())
            Wakeup::wake(std::move(wakeup));
    }
    waiters_.clear();
}

std::size_t WaiterList::size() const {
    return static_cast<std::size_t>(std::count_if(
        waiters_.begin(), waiters_.end(), [](const auto& waiter) { return !waiter.expired(); }));
}

}  // namespace regmigrate::engine
