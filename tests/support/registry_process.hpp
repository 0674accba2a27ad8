// A real registry for integration tests: Debian's docker-registry (distribution 2.8.2)
// on a free loopback port with filesystem storage in a temp dir, optionally behind
// htpasswd, token auth and TLS. Stopped and cleaned up by the destructor.
//
// Filling an authenticated registry: start a plain one, push with fleet::RegistryWriter,
// then restart(options) it with auth/TLS on the same storage and port.
#pragma once

#include "tests/support/registry_config.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace regmigrate::testing {

class RegistryProcess {
  public:
    // Starts and waits until GET /v2/ answers; throws std::runtime_error (with the
    // registry's log tail) when it does not within options.ready_timeout.
    explicit RegistryProcess(RegistryOptions options = {});
    ~RegistryProcess();
    RegistryProcess(const RegistryProcess&) = delete;
    RegistryProcess& operator=(const RegistryProcess&) = delete;

    void stop();
    // Same options, storage and port.
    void restart();
    // New auth/TLS options; storage and port are kept (options.storage_dir is ignored).
    void restart(RegistryOptions options);

    std::string host() const;  // "127.0.0.1:PORT"
    std::uint16_t port() const { return port_; }
    std::string base_url() const;  // "http://127.0.0.1:PORT" or "https://..."
    const std::filesystem::path& storage_dir() const { return storage_dir_; }
    const std::filesystem::path& log_file() const { return log_file_; }
    std::string log_tail() const;
    const RegistryOptions& options() const { return options_; }
    bool running() const;

  private:
    void start(bool keep_port);
    void write_htpasswd() const;
    // Empty when ready; otherwise why not (the last probe error).
    std::string probe() const;

    TempDir dir_{"regmigrate-registry"};
    RegistryOptions options_;
    std::filesystem::path storage_dir_;
    std::filesystem::path config_file_;
    std::filesystem::path htpasswd_file_;
    std::filesystem::path log_file_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> child_;
};

// A loopback TCP port nobody listens on right now.
std::uint16_t free_loopback_port();

}  // namespace regmigrate::testing
