// When credentials that expire are renewed: one pure rule for bearer tokens (Authenticator)
// and for logins such as Amazon ECR's (RenewableCredentials), tested without a clock.
#pragma once

#include <chrono>

namespace regmigrate::registry {

// How long before expiring credentials living `lifetime` are renewed: `longest`, or half
// their lifetime when that is shorter, so a short-lived token is neither sent in its last
// instants nor renewed on every request. Zero for a lifetime of zero or less.
std::chrono::milliseconds renewal_margin(std::chrono::milliseconds lifetime,
                                         std::chrono::milliseconds longest);

// Bearer tokens: a 60-second token (the spec's default) serves 50 s, a 2-second one 1 s.
inline constexpr std::chrono::seconds bearer_token_margin{10};

// How long after it was obtained a bearer token living `lifetime` is renewed.
std::chrono::milliseconds bearer_token_renewal(std::chrono::seconds lifetime);

}  // namespace regmigrate::registry
