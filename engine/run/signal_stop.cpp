#include "engine/run/signal_stop.hpp"

#include "transport/log.hpp"

#include <boost/asio/post.hpp>

#include <csignal>
#include <string>

namespace regmigrate::engine {

namespace asio = boost::asio;

const char* signal_name(int signal) {
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal";
}

SignalStop::SignalStop(std::vector<asio::io_context*> loops, std::chrono::milliseconds grace,
                       std::function<void(int)> on_stop)
    : loops_(std::move(loops)),
      grace_(grace),
      on_stop_(std::move(on_stop)),
      signals_(*loops_.front(), SIGINT, SIGTERM),
      grace_timer_(*loops_.front()) {
    wait();
}

void SignalStop::release() {
    asio::post(*loops_.front(), [this] {
        signals_.cancel();
        grace_timer_.cancel();
    });
}

void SignalStop::wait() {
    signals_.async_wait([this](const boost::system::error_code& error, int received) {
        if (error)
            return;
        int none = 0;
        if (!signal_.compare_exchange_strong(none, received)) {
            log(LogLevel::warn, std::string(signal_name(received)) + " again: stopping now");
            stop_loops();
            return;
        }
        log(LogLevel::warn,
            std::string(signal_name(received)) +
                ": stopping; images in flight may finish (signal again to stop now)",
            {{"grace_seconds", std::to_string(grace_.count() / 1000.0)}});
        on_stop_(received);
        grace_timer_.expires_after(grace_);
        grace_timer_.async_wait([this](const boost::system::error_code& expired) {
            if (expired)
                return;
            log(LogLevel::warn, "grace period over: stopping now");
            stop_loops();
        });
        wait();
    });
}

void SignalStop::stop_loops() {
    stopped_loops_ = true;
    signals_.cancel();
    grace_timer_.cancel();
    for (auto* loop : loops_)
        loop->stop();
}

}  // namespace regmigrate::engine
