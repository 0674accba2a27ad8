// Credentials that expire during a run, such as Amazon ECR's 12-hour registry tokens.
// Every client of the registry, on any thread, asks for the current ones before it
// authenticates; the first to find them close to expiry renews them for all, so one renewal
// serves the whole run.
#pragma once

#include "registry/auth/credentials.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace regmigrate::registry {

struct ExpiringCredentials {
    Credentials credentials;
    std::chrono::system_clock::time_point expires_at;
};

// When credentials obtained at `obtained` and valid until `expires_at` are due for renewal:
// within 30 minutes of expiring, or past half their lifetime when that is shorter (a token
// that lives 10 minutes is not renewed on every request).
std::chrono::system_clock::time_point renewal_due(std::chrono::system_clock::time_point obtained,
                                                  std::chrono::system_clock::time_point expires_at);

class RenewableCredentials {
  public:
    using Renew = std::function<Expected<ExpiringCredentials>()>;
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    // A failed renewal is tried again after retry_after, not on every request.
    RenewableCredentials(
        ExpiringCredentials initial, Renew renew,
        Clock clock = [] { return std::chrono::system_clock::now(); },
        std::chrono::seconds retry_after = std::chrono::seconds(60));

    // The credentials to send now. A renewal runs on the calling thread and blocks it for
    // one API call, once per lifetime; callers on other threads wait for its outcome. While
    // renewals fail the old credentials serve until they expire; after that, the error.
    Expected<Credentials> current();

    std::size_t renewals() const;

  private:
    Error expired_error() const;

    ExpiringCredentials held_;
    std::chrono::system_clock::time_point due_;
    Renew renew_;
    Clock clock_;
    std::chrono::seconds retry_after_;
    mutable std::mutex mutex_;
    std::optional<Error> last_failure_;
    std::size_t renewals_ = 0;
};

}  // namespace regmigrate::registry
