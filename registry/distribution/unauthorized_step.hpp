// What RegistryClient::send does with a 401 from the registry's own origin, decided without
// sockets. A 401 to a request that carried a cached token means the registry no longer takes
// that token (expired early, revoked): it is dropped and the request sent once more with a
// fresh one; a second 401 is the answer. A streamed body was read as it went and cannot be
// sent again: its 401 is the answer, but the token is dropped all the same so the caller's
// next request (a retried transfer reads the body afresh) gets a fresh one.
#pragma once

#include <string_view>

namespace regmigrate::registry {

enum class UnauthorizedStep {
    answer,              // the 401 is the caller's, as it is
    learn_and_answer,    // learn the challenge (dropping the refused token), then answer
    learn_and_retry,     // learn the challenge (dropping the refused token), send again
    insufficient_scope,  // refused with a fresh token for want of a grant: access denied
    no_challenge,        // a 401 that says nothing of how to authenticate
};

// retried: this 401 answers the request's second try; streamed_body: its body was read
// from a stream; www_authenticate: the 401's challenge ("" when absent).
UnauthorizedStep unauthorized_step(bool retried, bool streamed_body,
                                   std::string_view www_authenticate);

}  // namespace regmigrate::registry
