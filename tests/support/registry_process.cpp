#include "tests/support/registry_process.hpp"

#include "tests/support/http_fetch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace regmigrate::testing {

namespace {

constexpr const char* kRegistryBinary = "/usr/bin/docker-registry";
// A port picked by free_loopback_port can be taken before the registry binds it.
constexpr int kPortAttempts = 5;

}  // namespace

std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok) {
        throw std::runtime_error("cannot bind a loopback port");
    }
    return ntohs(address.sin_port);
}

RegistryProcess::RegistryProcess(RegistryOptions options) : options_(std::move(options)) {
    storage_dir_ = options_.storage_dir.value_or(dir_.path() / "storage");
    std::filesystem::create_directories(storage_dir_);
    config_file_ = dir_.path() / "config.yml";
    htpasswd_file_ = dir_.path() / "htpasswd";
    log_file_ = dir_.path() / "registry.log";
    port_ = options_.port;
    start(port_ != 0);
}

RegistryProcess::~RegistryProcess() {
    stop();
}

void RegistryProcess::stop() {
    child_.reset();
}

void RegistryProcess::restart() {
    stop();
    start(true);
}

void RegistryProcess::restart(RegistryOptions options) {
    stop();
    options_ = std::move(options);
    options_.storage_dir = storage_dir_;
    start(true);
}

std::string RegistryProcess::host() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::string RegistryProcess::base_url() const {
    return (options_.tls ? "https://" : "http://") + host();
}

std::string RegistryProcess::log_tail() const {
    return file_tail(log_file_);
}

bool RegistryProcess::running() const {
    return child_ && child_->running();
}

void RegistryProcess::write_htpasswd() const {
    std::ofstream out(htpasswd_file_, std::ios::trunc);
    for (const auto& [user, password] : options_.htpasswd_users) {
        const CommandResult line = run_command({"htpasswd", "-Bbn", user, password});
        if (line.exit_code != 0) {
            throw std::runtime_error("htpasswd failed: " + line.output);
        }
        // -n prints the entry followed by an empty line.
        out << line.output.substr(0, line.output.find('\n')) << "\n";
    }
}

std::string RegistryProcess::probe() const {
    FetchRequest request;
    request.url = base_url() + "/v2/";
    request.timeout = std::chrono::seconds(2);
    if (options_.tls && options_.tls->probe_client) {
        request.client_cert = options_.tls->probe_client->cert;
        request.client_key = options_.tls->probe_client->key;
    }
    auto response = fetch(request);
    if (!response) {
        return response.error().message;
    }
    // 401 is an answer too: the registry is up and asking for credentials.
    if (response->status == 200 || response->status == 401) {
        return {};
    }
    return "GET /v2/ answered " + std::to_string(response->status);
}

void RegistryProcess::start(bool keep_port) {
    if (!options_.htpasswd_users.empty()) {
        write_htpasswd();
    }
    std::string last_problem;
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        if (!keep_port || port_ == 0) {
            port_ = free_loopback_port();
        }
        std::ofstream(config_file_, std::ios::trunc)
            << render_registry_config(options_, port_, storage_dir_, htpasswd_file_);
        child_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{kRegistryBinary, "serve", config_file_.string()}, log_file_);
        const auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (!child_->running()) {
                last_problem = "docker-registry exited";
                break;
            }
            last_problem = probe();
            if (last_problem.empty()) {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const bool port_taken = log_tail().find("address already in use") != std::string::npos;
        child_.reset();
        // Someone took the port between our probe and the registry's bind: try again
        // (a fresh port, or on restart the same one once it is released).
        if (!port_taken) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("docker-registry on port " + std::to_string(port_) +
                             " did not become ready: " + last_problem + "\nlog tail:\n" +
                             log_tail());
}

}  // namespace regmigrate::testing
