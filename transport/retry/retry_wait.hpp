// Carrying out a retry decision: one log line, then a timer wait that blocks no thread.
#pragma once

#include "transport/retry/retry_policy.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace regmigrate::transport {

// Logs "retrying" at warn (what, reason, attempt, delay, the error's message — which never
// holds credentials or upload URLs' state) and waits the decision's delay.
boost::asio::awaitable<void> wait_to_retry(const RetryDecision& decision, std::string_view what,
                                           const Error& error);

// Runs `attempt` (one try of a replayable operation: `(RetryAttempts*) ->
// awaitable<Expected<T>>`) until it succeeds or the policy gives up, waiting between tries.
// Without a policy it runs once and gets a null tracker. `attempt` must outlive the call.
template <class T, class Attempt>
boost::asio::awaitable<Expected<T>> retry_operation(RetryPolicy* policy, const std::string& what,
                                                    Attempt& attempt) {
    if (!policy)
        co_return co_await attempt(nullptr);
    RetryAttempts attempts(*policy);
    for (;;) {
        auto result = co_await attempt(&attempts);
        if (result)
            co_return result;
        const auto decision = attempts.after_failure(result.error());
        if (!decision)
            co_return result;
        co_await wait_to_retry(*decision, what, result.error());
    }
}

}  // namespace regmigrate::transport
