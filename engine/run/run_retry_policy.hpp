// The request retry policy of one run: shared by every client on every thread, so its
// budget bounds the run's retries as a whole, and counted in regmigrate_retries_total.
#pragma once

#include "engine/plan/error_action.hpp"
#include "engine/plan/registry_side.hpp"
#include "metrics/metrics.hpp"
#include "transport/retry/retry_policy.hpp"

#include <memory>

namespace regmigrate::engine {

// --error-action retry retries transient request failures; other actions fail fast (null).
std::shared_ptr<transport::RetryPolicy> run_retry_policy(ErrorAction action,
                                                         metrics::Metrics& metrics);

// The side with its requests retried under `policy`.
RegistrySide with_retry_policy(RegistrySide side, std::shared_ptr<transport::RetryPolicy> policy);

}  // namespace regmigrate::engine
