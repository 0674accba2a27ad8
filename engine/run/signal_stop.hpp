// SIGINT/SIGTERM during a run, received with asio::signal_set on the run's first event
// loop, so no work happens inside a signal handler. The first signal calls on_stop (the run
// stops its producers and lets images in flight finish) and starts a grace period; a second
// signal, or the end of the grace period, stops every event loop at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

namespace regmigrate::engine {

// "SIGINT", "SIGTERM" (or "signal"), as the logs name them.
const char* signal_name(int signal);

class SignalStop {
  public:
    // loops[0] receives the signals; all of them are stopped at the end of the grace.
    SignalStop(std::vector<boost::asio::io_context*> loops, std::chrono::milliseconds grace,
               std::function<void(int signal)> on_stop);
    SignalStop(const SignalStop&) = delete;
    SignalStop& operator=(const SignalStop&) = delete;

    // The run's work is over: stop listening so the first loop runs out of work.
    // Thread-safe.
    void release();
    // The first signal received, 0 when none.
    int signal() const { return signal_; }
    // The loops were stopped with work pending (its coroutines were neither finished nor
    // unwound).
    bool stopped_loops() const { return stopped_loops_; }

  private:
    void wait();
    void stop_loops();

    std::vector<boost::asio::io_context*> loops_;
    std::chrono::milliseconds grace_;
    std::function<void(int)> on_stop_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer grace_timer_;
    std::atomic<int> signal_{0};
    std::atomic<bool> stopped_loops_{false};
};

}  // namespace regmigrate::engine
