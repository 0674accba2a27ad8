#include "tests/support/cli_runner.hpp"

#include "tests/support/temp_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace regmigrate::testing {

namespace {

std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> result;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view variable(*entry);
        const std::string name(variable.substr(0, variable.find('=')));
        if (!name.starts_with("REGMIGRATE_") && !extra.contains(name)) {
            result.emplace_back(variable);
        }
    }
    for (const auto& [name, value] : extra) {
        result.push_back(name + "=" + value);
    }
    return result;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

// Linux keeps the spawning process's high-water RSS in the child's ru_maxrss across
// exec (posix_spawn shares our memory until then). Resetting our mark to the current
// RSS first keeps the test process's own past peaks out of the child's measurement.
void reset_own_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

pid_t spawn(const std::filesystem::path& program, const CliInvocation& invocation,
            const std::filesystem::path& out, const std::filesystem::path& err) {
    std::vector<std::string> argv{program.string()};
    argv.insert(argv.end(), invocation.args.begin(), invocation.args.end());
    std::vector<std::string> envp = child_environment(invocation.env);
    auto argv_pointers = pointers_to(argv);
    auto envp_pointers = pointers_to(envp);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string input =
        invocation.stdin_file.empty() ? "/dev/null" : invocation.stdin_file.string();
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // The test's own sockets (a fake server's listener) must not live on in the child.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    reset_own_peak_rss();
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv.front().c_str(), &actions, nullptr, argv_pointers.data(),
                               envp_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + program.string() + ": " + std::strerror(rc));
    }
    return pid;
}

// Polls until the child exits or the deadline passes; then it is killed and reaped.
void wait_with_deadline(pid_t pid, std::chrono::steady_clock::time_point deadline,
                        CliResult& result) {
    int status = 0;
    rusage usage{};
    while (true) {
        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("wait4 failed: ") + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    result.exit_code = decode_status(status);
    result.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

}  // namespace

std::string CliResult::describe() const {
    std::ostringstream text;
    text << "exit code " << exit_code << (timed_out ? " (killed after timeout)" : "")
         << "\n--- stdout ---\n"
         << out << "\n--- stderr ---\n"
         << err;
    return text.str();
}

std::vector<std::string> CliResult::error_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

CliResult run_cli(const std::filesystem::path& program, const CliInvocation& invocation) {
    TempDir scratch("regmigrate-cli");
    const auto out = scratch.path() / "stdout";
    const auto err = scratch.path() / "stderr";
    CliResult result;
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = spawn(program, invocation, out, err);
    wait_with_deadline(pid, started + invocation.timeout, result);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

}  // namespace regmigrate::testing
