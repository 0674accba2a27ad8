// Questions to the operator on the terminal: the error prompt, confirmations, logins.
#pragma once

#include "engine/plan/error_action.hpp"
#include "engine/run/run_report.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::cli {

// stdin and stderr are both terminals: someone can be asked.
bool has_terminal();

// ErrorAction::prompt's question, one at a time whichever worker asks; returns retry, skip
// or abort (skip when stdin ends).
engine::ErrorAction ask_error_action(const engine::ImageRecord& failed);

// "QUESTION [y/N] ": true only for y or yes.
bool confirm(std::string_view question);

// Shows prompt on stderr and reads one line from stdin; echo off hides what is typed
// (passwords). nullopt when stdin ends.
std::optional<std::string> read_answer(std::string_view prompt, bool echo);

}  // namespace regmigrate::cli
