// Single flight across event loops: concurrent requests for one key (a blob, a v1 layer, a
// repository's tag list, an ECR repository) share one computation. The first caller owns the
// key's flight; the others wait and are woken when it settles, on their own loop, whichever
// loop the owner runs on. Workers run on several threads, each with its own single-threaded
// io_context, all sharing these maps: state lives under a std::mutex that is never held
// across a co_await, and a waiter is woken by a post to its own executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace regmigrate::engine {

// How long a waiter sleeps before it looks at the state again unwoken. Every change a waiter
// waits for wakes it; this bound is the safety net for a wake that cannot come (an owner
// whose loop was stopped, or whose coroutine was destroyed without settling its flight), so
// that no waiter is left suspended for good: each look also honours the cancellation of the
// waiter's own coroutine (it throws operation_aborted), which is how a stopped run ends it.
inline constexpr std::chrono::seconds single_flight_recheck{1};

// One waiting coroutine. It waits on a timer of its own executor; wake() may be called from
// any thread: it posts the wake-up to that executor, so the timer is only ever touched there.
// The executor must not run handlers concurrently (an io_context run by one thread, as every
// loop of a run is, or a strand).
class Wakeup {
  public:
    explicit Wakeup(boost::asio::any_io_executor executor);

    // Until woken, or `limit` has passed. A wake that arrives while the waiter is not yet
    // suspended (between two waits) is not lost: the waiter looks at the state before waiting.
    boost::asio::awaitable<void> wait(std::chrono::steady_clock::duration limit);
    static void wake(std::shared_ptr<Wakeup> wakeup);

  private:
    boost::asio::steady_timer timer_;
};

// The coroutines waiting for one piece of state, kept under that state's mutex. Entries are
// weak: a waiter whose coroutine is gone (its loop destroyed in a test) is skipped, never
// posted to.
class WaiterList {
  public:
    // Under the state's mutex. Adding the same waiter again is a no-op.
    void add(const std::shared_ptr<Wakeup>& wakeup);
    // Under the state's mutex: the waiters to wake, leaving this list empty. Wake them with
    // wake_all() after unlocking.
    WaiterList take() { return std::exchange(*this, {}); }
    void wake_all() &&;
    // Under the state's mutex: how many waiters are still alive.
    std::size_t size() const;

  private:
    std::vector<std::weak_ptr<Wakeup>> waiters_;
};

// What a look at guarded state decides: the answer, or the list to wait on before looking
// again (the waiter is added to it under the same lock, so no change is missed).
template <class Answer>
using Look = std::variant<Answer, WaiterList*>;

// Calls look() under mutex until it gives an answer, waiting between looks. look() must
// return `WaiterList*` only for a list whose owner will wake_all() it on the next change.
template <class Answer, class LookFn>
boost::asio::awaitable<Answer> await_answer(std::mutex& mutex, LookFn look,
                                            std::chrono::steady_clock::duration recheck) {
    const auto executor = co_await boost::asio::this_coro::executor;
    std::shared_ptr<Wakeup> wakeup;
    for (;;) {
        std::optional<Answer> answer;
        {
            std::lock_guard lock(mutex);
            Look<Answer> looked = look();
            if (auto* list = std::get_if<WaiterList*>(&looked)) {
                if (!wakeup)
                    wakeup = std::make_shared<Wakeup>(executor);
                (*list)->add(wakeup);
            } else {
                answer.emplace(std::move(std::get<Answer>(looked)));
            }
        }
        if (answer)
            co_return std::move(*answer);
        co_await wakeup->wait(recheck);
    }
}

// Per key: a value once known, else one owner computing it while the others wait. A failed
// flight leaves no value: the next caller (a waiter, woken) owns the key's next flight.
// Thread-safe; Value is copied to every caller.
template <class Key, class Value, class Hash = std::hash<Key>>
class SingleFlight {
  public:
    explicit SingleFlight(std::chrono::steady_clock::duration recheck = single_flight_recheck)
        : recheck_(recheck) {}
    SingleFlight(const SingleFlight&) = delete;
    SingleFlight& operator=(const SingleFlight&) = delete;

    // What a caller gets without waiting: the value, or the ownership of the flight, or
    // neither (another caller owns it).
    struct Claim {
        std::optional<Value> value;
        bool owner = false;
    };

    // Never waits.
    Claim try_acquire(const Key& key) {
        std::lock_guard lock(mutex_);
        Slot& slot = slots_[key];
        if (slot.value)
            return {slot.value, false};
        if (slot.flying)
            return {std::nullopt, false};
        slot.flying = true;
        return {std::nullopt, true};
    }

    // The key's value; nullopt when the caller now owns the flight and must settle it with
    // succeed() or fail(). Waits while another caller owns it.
    boost::asio::awaitable<std::optional<Value>> acquire(Key key) {
        co_return co_await await_answer<std::optional<Value>>(
            mutex_,
            [this, &key]() -> Look<std::optional<Value>> {
                Slot& slot = slots_[key];
                if (slot.value)
                    return slot.value;
                if (!slot.flying) {
                    slot.flying = true;
                    return std::optional<Value>{};
                }
                return &slot.waiters;
            },
            recheck_);
    }

    // The owner's outcomes; each wakes the key's waiters.
    void succeed(const Key& key, Value value) {
        settle(key, [&](Slot& slot) { slot.value = std::move(value); });
    }
    void fail(const Key& key) {
        settle(key, [](Slot&) {});
    }

    // The owner's side as an object: the flight fails when it is dropped unsettled (an
    // error returned early, an exception, a coroutine destroyed), so waiters never wait for
    // an owner that is gone.
    class Flight {
      public:
        Flight(SingleFlight& flights, Key key) : flights_(&flights), key_(std::move(key)) {}
        Flight(const Flight&) = delete;
        Flight& operator=(const Flight&) = delete;
        ~Flight() {
            if (flights_)
                flights_->fail(key_);
        }
        void succeed(Value value) {
            std::exchange(flights_, nullptr)->succeed(key_, std::move(value));
        }

      private:
        SingleFlight* flights_;
        Key key_;
    };

    // The key's value, computed by `compute` (a callable returning awaitable<Expected<Value>>)
    // when this caller owns the flight. The owner gets compute's error as is; its waiters
    // then try again themselves.
    template <class Compute>
    auto get(Key key, Compute compute) -> decltype(compute()) {
        if (auto known = co_await acquire(key))
            co_return std::move(*known);
        Flight flight(*this, key);
        auto computed = co_await compute();
        if (computed)
            flight.succeed(*computed);
        co_return computed;
    }

    // How many coroutines wait for key's flight right now (tests, diagnostics).
    std::size_t waiting(const Key& key) const {
        std::lock_guard lock(mutex_);
        const auto found = slots_.find(key);
        return found == slots_.end() ? 0 : found->second.waiters.size();
    }
    // How many keys have a value.
    std::size_t known() const {
        std::lock_guard lock(mutex_);
        std::size_t count = 0;
        for (const auto& [key, slot] : slots_)
            count += slot.value ? 1 : 0;
        return count;
    }

  private:
    struct Slot {
        bool flying = false;
        std::optional<Value> value;
        WaiterList waiters;
    };

    template <class Change>
    void settle(const Key& key, Change change) {
        WaiterList woken;
        {
            std::lock_guard lock(mutex_);
            Slot& slot = slots_[key];
            slot.flying = false;
            change(slot);
            woken = slot.waiters.take();
        }
        std::move(woken).wake_all();
    }

    std::chrono::steady_clock::duration recheck_;
    mutable std::mutex mutex_;
    std::unordered_map<Key, Slot, Hash> slots_;
};

}  // namespace regmigrate::engine
