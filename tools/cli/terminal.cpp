#include "tools/cli/terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>

namespace regmigrate::cli {

namespace {

// One question on the terminal at a time, whichever thread asks.
std::mutex terminal;

// Turns echo off on stdin for its lifetime (restored even when reading fails).
class EchoOff {
  public:
    EchoOff() : active_(tcgetattr(STDIN_FILENO, &saved_) == 0) {
        if (!active_)
            return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    ~EchoOff() {
        if (active_)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    termios saved_{};
    bool active_;
};

std::optional<std::string> read_line_locked(std::string_view prompt, bool echo) {
    std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
    std::fflush(stderr);
    std::string answer;
    bool read = false;
    if (echo) {
        read = static_cast<bool>(std::getline(std::cin, answer));
    } else {
        EchoOff quiet;
        read = static_cast<bool>(std::getline(std::cin, answer));
        std::fputc('\n', stderr);  // the Enter the operator typed was not echoed
    }
    if (!read)
        return std::nullopt;
    return answer;
}

}  // namespace

bool has_terminal() {
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

engine::ErrorAction ask_error_action(const engine::ImageRecord& failed) {
    std::lock_guard lock(terminal);
    const std::string question =
        "\n" + failed.source + " failed: " + failed.error + "\n[r]etry, [s]kip, [a]bort? ";
    for (;;) {
        const auto answer = read_line_locked(question, true);
        if (!answer)
            return engine::ErrorAction::skip;
        if (*answer == "r" || *answer == "retry")
            return engine::ErrorAction::retry;
        if (*answer == "s" || *answer == "skip")
            return engine::ErrorAction::skip;
        if (*answer == "a" || *answer == "abort")
            return engine::ErrorAction::abort;
    }
}

bool confirm(std::string_view question) {
    std::lock_guard lock(terminal);
    const auto answer = read_line_locked(std::string(question) + " [y/N] ", true);
    return answer && (*answer == "y" || *answer == "Y" || *answer == "yes");
}

std::optional<std::string> read_answer(std::string_view prompt, bool echo) {
    std::lock_guard lock(terminal);
    return read_line_locked(prompt, echo);
}

}  // namespace regmigrate::cli
