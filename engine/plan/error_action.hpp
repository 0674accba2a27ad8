// What to do when an image fails: the classic migrator's ERROR_ACTION.
#pragma once

#include "transport/error.hpp"

#include <string_view>

namespace regmigrate::engine {

enum class ErrorAction {
    retry,   // try the image again (bounded), then count it failed and go on
    skip,    // count it failed and go on
    abort,   // stop the run: no new images start
    prompt,  // ask on a terminal; without one, behaves as skip with a warning
};

Expected<ErrorAction> parse_error_action(std::string_view text);
std::string_view to_string(ErrorAction action);

// prompt needs someone to answer: without a terminal it degrades to skip.
ErrorAction effective_error_action(ErrorAction requested, bool interactive);

}  // namespace regmigrate::engine
