// Child processes for the fixtures: long-running servers (docker-registry) and
// one-shot tools (openssl, htpasswd, skopeo), always with bounded waits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace regmigrate::testing {

inline constexpr int kStillRunning = -1000;

// A spawned process whose stdout and stderr go to a file. The destructor stops it.
class ChildProcess {
  public:
    // Throws std::runtime_error when the program cannot be started.
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    // False once the process has exited (and been reaped).
    bool running();
    // Waits at most `timeout` for the exit; returns the exit status (-signal when
    // killed) or kStillRunning.
    int wait_for(std::chrono::milliseconds timeout);
    // SIGTERM, then SIGKILL after `grace`; reaps the process. Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  private:
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
};

struct CommandResult {
    int exit_code = 0;  // -signal when killed
    bool timed_out = false;
    std::string output;  // stdout and stderr interleaved
};

// Runs a program to completion, killing it after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Last `max_bytes` of a file ("" when unreadable): log excerpts for failure messages.
std::string file_tail(const std::filesystem::path& file, std::size_t max_bytes = 4000);

}  // namespace regmigrate::testing
