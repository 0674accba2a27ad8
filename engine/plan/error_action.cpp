#include "engine/plan/error_action.hpp"

#include <string>

namespace regmigrate::engine {

Expected<ErrorAction> parse_error_action(std::string_view text) {
    if (text == "retry")
        return ErrorAction::retry;
    if (text == "skip")
        return ErrorAction::skip;
    if (text == "abort")
        return ErrorAction::abort;
    if (text == "prompt")
        return ErrorAction::prompt;
    return make_error(ErrorKind::invalid_argument, "invalid error action \"" + std::string(text) +
                                                       "\": expected retry, skip, abort or prompt");
}

std::string_view to_string(ErrorAction action) {
    switch (action) {
        case ErrorAction::retry:
            return "retry";
        case ErrorAction::skip:
            return "skip";
        case ErrorAction::abort:
            return "abort";
        case ErrorAction::prompt:
            return "prompt";
    }
    return "skip";
}

ErrorAction effective_error_action(ErrorAction requested, bool interactive) {
    return requested == ErrorAction::prompt && !interactive ? ErrorAction::skip : requested;
}

}  // namespace regmigrate::engine
