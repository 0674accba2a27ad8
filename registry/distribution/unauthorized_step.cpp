#include "registry/distribution/unauthorized_step.hpp"

namespace regmigrate::registry {

UnauthorizedStep unauthorized_step(bool retried, bool streamed_body,
                                   std::string_view www_authenticate) {
    if (retried) {
        // Authenticated afresh and still refused: say whether the grant was too narrow.
        return www_authenticate.find("insufficient_scope") == std::string_view::npos
                   ? UnauthorizedStep::answer
                   : UnauthorizedStep::insufficient_scope;
    }
    if (www_authenticate.empty())
        return streamed_body ? UnauthorizedStep::answer : UnauthorizedStep::no_challenge;
    return streamed_body ? UnauthorizedStep::learn_and_answer : UnauthorizedStep::learn_and_retry;
}

}  // namespace regmigrate::registry
