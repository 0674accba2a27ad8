#include "registry/auth/renewable_credentials.hpp"

#include "registry/auth/token_renewal.hpp"
#include "transport/log.hpp"

#include <algorithm>

namespace regmigrate::registry {

using std::chrono::system_clock;

system_clock::time_point renewal_due(system_clock::time_point obtained,
                                     system_clock::time_point expires_at) {
    const auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(expires_at - obtained, system_clock::duration::zero()));
    return expires_at - renewal_margin(lifetime, std::chrono::minutes(30));
}

RenewableCredentials::RenewableCredentials(ExpiringCredentials initial, Renew renew, Clock clock,
                                           std::chrono::seconds retry_after)
    : held_(std::move(initial)),
      renew_(std::move(renew)),
      clock_(std::move(clock)),
      retry_after_(retry_after) {
    due_ = renewal_due(clock_(), held_.expires_at);
}

Expected<Credentials> RenewableCredentials::current() {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (now < due_) {
        if (last_failure_ && now >= held_.expires_at)
            return expired_error();
        return held_.credentials;
    }
    auto renewed = renew_();
    const auto after = clock_();
    if (renewed) {
        held_ = std::move(*renewed);
        due_ = renewal_due(after, held_.expires_at);
        last_failure_.reset();
        ++renewals_;
        return held_.credentials;
    }
    last_failure_ = renewed.error();
    due_ = after + retry_after_;
    if (after < held_.expires_at) {
        log(LogLevel::warn,
            "credentials could not be renewed; the current ones serve until "
            "they expire: " +
                renewed.error().message);
        return held_.credentials;
    }
    return expired_error();
}

Error RenewableCredentials::expired_error() const {
    return with_context(*last_failure_, "the credentials expired and could not be renewed");
}

std::size_t RenewableCredentials::renewals() const {
    std::lock_guard lock(mutex_);
    return renewals_;
}

}  // namespace regmigrate::registry
