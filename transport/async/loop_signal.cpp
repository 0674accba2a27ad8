#include "transport/async/loop_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace regmigrate::transport {

namespace asio = boost::asio;

LoopSignal::LoopSignal(asio::any_io_executor executor)
    : timer_(std::move(executor), asio::steady_timer::time_point::max()) {}

asio::awaitable<void> LoopSignal::wait() {
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

void LoopSignal::notify_one() {
    timer_.cancel_one();
}

void LoopSignal::notify_all() {
    timer_.cancel();
}

void LoopGate::open() {
    open_ = true;
    signal_.notify_all();
}

asio::awaitable<void> LoopGate::wait() {
    while (!open_)
        co_await signal_.wait();
}

}  // namespace regmigrate::transport
