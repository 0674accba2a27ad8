#include "registry/auth/credential_helper.hpp"

#include "transport/log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace regmigrate::registry {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view token_username = "<token>";

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&&) = delete;
    ~UniqueFd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Expected<Pipe> make_pipe(const std::string& program) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return make_error(ErrorKind::io, program + ": pipe: " + std::strerror(errno));
    }
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Writes a small input (under PIPE_BUF, so it fits in the pipe at once) without letting a
// helper that exits early kill us with SIGPIPE: the signal is blocked, then discarded.
void write_input(int fd, std::string_view input) {
    sigset_t pipe_signal;
    sigset_t previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    const ssize_t written = ::write(fd, input.data(), input.size());
    if (written < 0 && errno == EPIPE) {
        const timespec no_wait{0, 0};
        sigtimedwait(&pipe_signal, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

struct ChildOutput {
    std::string out;
    int exit_status = 0;
};

void kill_and_reap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

// Reads stdout to EOF and reaps the child, both before the deadline.
Expected<ChildOutput> collect(pid_t pid, int out_fd, const std::string& program,
                              const CredentialHelperLimits& limits) {
    const auto deadline = Clock::now() + limits.timeout;
    const auto timed_out = [&] {
        kill_and_reap(pid);
        return make_error(ErrorKind::timeout, program + " did not answer within " +
                                                  std::to_string(limits.timeout.count()) + " ms");
    };
    ChildOutput result;
    char buffer[4096];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return timed_out();
        pollfd readable{out_fd, POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return timed_out();
        const ssize_t n = ::read(out_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        result.out.append(buffer, static_cast<std::size_t>(n));
        if (result.out.size() > limits.max_output) {
            kill_and_reap(pid);
            return make_error(
                ErrorKind::too_large,
                program + " wrote more than " + std::to_string(limits.max_output) + " bytes");
        }
    }
    // stdout is closed; the helper should be exiting.
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return result;
        }
        if (done < 0 && errno != EINTR) {
            return make_error(ErrorKind::io, program + ": waitpid: " + std::strerror(errno));
        }
        if (Clock::now() >= deadline)
            return timed_out();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

bool helper_may_see(std::string_view name) {
    static constexpr std::string_view exact[] = {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "LANG", "LANGUAGE", "TZ",
        // docker-credential-secretservice and -osxkeychain reach the desktop keyring.
        "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
        "DISPLAY",
        // docker-credential-pass: the store and the gpg agent that unlocks it.
        "PASSWORD_STORE_DIR", "GNUPGHOME", "GPG_AGENT_INFO", "GPG_TTY", "DOCKER_CONFIG",
        // docker-credential-ecr-login and -gcloud: which profile or file holds the keys,
        // never the keys themselves.
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_SDK_LOAD_CONFIG", "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ECR_CACHE_DIR", "AWS_ECR_DISABLE_CACHE", "AWS_ECR_IGNORE_CREDS_STORAGE",
        "CLOUDSDK_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "HTTP_PROXY", "HTTPS_PROXY",
        "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR"};
    if (name.starts_with("LC_"))
        return true;
    return std::find(std::begin(exact), std::end(exact), name) != std::end(exact);
}

Expected<ChildOutput> run_get(const std::string& program, std::string_view input,
                              const CredentialHelperLimits& limits) {
    auto in = make_pipe(program);
    if (!in)
        return in.error();
    auto out = make_pipe(program);
    if (!out)
        return out.error();

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in->read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out->write.get(), STDOUT_FILENO);
    // Helpers explain failures on stderr in their own words; those stay out of our output.
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> inherited;
    for (char** entry = environ; *entry; ++entry)
        inherited.emplace_back(*entry);
    auto environment = credential_helper_environment(inherited);
    std::vector<char*> envp;
    for (auto& entry : environment)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string arg0 = program;
    std::string arg1 = "get";
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        return make_error(ErrorKind::invalid_argument, "credential helper " + program +
                                                           " cannot be run (" + std::strerror(rc) +
                                                           "); is it on PATH?");
    }
    in->read.reset();
    out->write.reset();
    write_input(in->write.get(), input);
    in->write.reset();
    return collect(pid, out->read.get(), program, limits);
}

}  // namespace

std::vector<std::string> credential_helper_environment(
    const std::vector<std::string>& environment) {
    std::vector<std::string> kept;
    for (const auto& entry : environment) {
        const auto equals = entry.find('=');
        if (equals != std::string::npos &&
            helper_may_see(std::string_view(entry).substr(0, equals)))
            kept.push_back(entry);
    }
    return kept;
}

std::string credential_helper_program(std::string_view name) {
    return "docker-credential-" + std::string(name);
}

Expected<Credentials> parse_credential_helper_output(std::string_view json,
                                                     std::string_view program) {
    const auto bad = [&](std::string_view why) {
        return make_error(ErrorKind::protocol,
                          "credential helper " + std::string(program) + ": " + std::string(why));
    };
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    const simdjson::padded_string padded(json);
    if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
        return bad("output is not a JSON object");
    }
    std::string_view username;
    std::string_view secret;
    if (object["Username"].get_string().get(username) != simdjson::SUCCESS) {
        return bad("output has no string \"Username\"");
    }
    if (object["Secret"].get_string().get(secret) != simdjson::SUCCESS) {
        return bad("output has no string \"Secret\"");
    }
    Credentials credentials;
    if (username == token_username) {
        credentials.identity_token = secret;
    } else {
        credentials.username = username;
        credentials.password = secret;
    }
    return credentials;
}

Expected<std::optional<Credentials>> get_from_credential_helper(
    std::string_view name, std::string_view server_url, const CredentialHelperLimits& limits) {
    // A '/' would turn the PATH lookup into running an arbitrary file.
    if (name.empty() || name.find('/') != std::string_view::npos) {
        return make_error(ErrorKind::invalid_argument,
                          "invalid credential helper name \"" + std::string(name) + "\"");
    }
    const std::string program = credential_helper_program(name);
    auto output = run_get(program, server_url, limits);
    if (!output)
        return output.error();
    if (output->exit_status != 0) {
        const bool not_found = output->out.find("credentials not found") != std::string::npos;
        log(LogLevel::warn, "credential helper has no credentials; continuing anonymously",
            {{"helper", program},
             {"server", std::string(server_url)},
             {"reason", not_found ? "credentials not found"
                                  : "exit status " + std::to_string(output->exit_status)}});
        return std::optional<Credentials>();
    }
    auto credentials = parse_credential_helper_output(output->out, program);
    if (!credentials)
        return credentials.error();
    return std::optional<Credentials>(std::move(*credentials));
}

}  // namespace regmigrate::registry
