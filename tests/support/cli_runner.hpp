// Runs a command-line program (the regmigrate binary) to completion as a child process:
// arguments and extra environment in; exit code, stdout, stderr, wall time and the
// child's peak resident set size out; killed when it outlives its timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct CliInvocation {
    std::vector<std::string> args;  // after the program name
    // Added to the inherited environment, replacing variables of the same name. Inherited
    // REGMIGRATE_* variables are dropped first so a developer's shell cannot leak in.
    std::map<std::string, std::string> env;
    std::chrono::milliseconds timeout{120'000};
    // Read as standard input; empty: /dev/null.
    std::filesystem::path stdin_file;
};

struct CliResult {
    int exit_code = 0;  // -signal when killed
    bool timed_out = false;
    std::string out;
    std::string err;
    std::uint64_t peak_rss_bytes = 0;  // wait4() ru_maxrss
    std::chrono::milliseconds elapsed{0};

    // Exit code and both streams, for assertion messages.
    std::string describe() const;
    // Lines of `err` that are not empty.
    std::vector<std::string> error_lines() const;
};

// Throws std::runtime_error when the program cannot be started.
CliResult run_cli(const std::filesystem::path& program, const CliInvocation& invocation);

}  // namespace regmigrate::testing
