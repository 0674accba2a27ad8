#include "engine/run/run_retry_policy.hpp"

namespace regmigrate::engine {

std::shared_ptr<transport::RetryPolicy> run_retry_policy(ErrorAction action,
                                                         metrics::Metrics& metrics) {
    if (action != ErrorAction::retry)
        return nullptr;
    return std::make_shared<transport::RetryPolicy>(
        transport::RetrySettings{}, transport::default_uniform_random(),
        [&metrics](std::string_view reason) { metrics.retry(reason); });
}

RegistrySide with_retry_policy(RegistrySide side, std::shared_ptr<transport::RetryPolicy> policy) {
    side.registry.retry = std::move(policy);
    return side;
}

}  // namespace regmigrate::engine
