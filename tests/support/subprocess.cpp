#include "tests/support/subprocess.hpp"

#include "tests/support/temp_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace regmigrate::testing {

namespace {

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::filesystem::path& output) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // The test's own sockets (a fake server's listener) must not live on in the child.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv.front() + ": " + std::strerror(rc));
    }
}

ChildProcess::~ChildProcess() {
    stop();
}

bool ChildProcess::running() {
    return wait_for(std::chrono::milliseconds(0)) == kStillRunning;
}

int ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reaped_) {
        const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_ || (done < 0 && errno != EINTR)) {
            reaped_ = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return kStillRunning;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return decode_status(status_);
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
    if (reaped_ || pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGTERM);
    if (wait_for(grace) == kStillRunning) {
        ::kill(pid_, SIGKILL);
        wait_for(std::chrono::seconds(5));
    }
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    TempDir scratch("regmigrate-cmd");
    const auto output = scratch.path() / "output";
    CommandResult result;
    {
        ChildProcess child(argv, output);
        result.exit_code = child.wait_for(timeout);
        if (result.exit_code == kStillRunning) {
            result.timed_out = true;
            child.stop(std::chrono::milliseconds(500));
            result.exit_code = child.wait_for(std::chrono::milliseconds(0));
        }
    }
    std::ifstream in(output, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    result.output = text.str();
    return result;
}

std::string file_tail(const std::filesystem::path& file, std::size_t max_bytes) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) {
        return "";
    }
    const std::streamoff size = in.tellg();
    const std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                                     ? size - static_cast<std::streamoff>(max_bytes)
                                     : 0;
    in.seekg(start);
    std::string tail(static_cast<std::size_t>(size - start), '\0');
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    return tail;
}

}  // namespace regmigrate::testing
