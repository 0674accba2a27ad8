// The faultproxy tool as the fault matrix tests run it: in front of one registry, on a
// port it picks itself and announces ("listening on 127.0.0.1:PORT"). Stopped by the
// destructor.
#pragma once

#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace regmigrate::testing {

class FaultProxyProcess {
  public:
    // Starts `binary --upstream UPSTREAM --fault RULE... OPTIONS...` and waits for its
    // announcement; throws std::runtime_error (with the proxy's output) when it does not come.
    FaultProxyProcess(const std::filesystem::path& binary, const std::string& upstream,
                      const std::vector<std::string>& rules,
                      const std::vector<std::string>& options = {});
    ~FaultProxyProcess();
    FaultProxyProcess(const FaultProxyProcess&) = delete;
    FaultProxyProcess& operator=(const FaultProxyProcess&) = delete;

    std::string host() const;  // "127.0.0.1:PORT"
    // How many faults the proxy logged as injected so far.
    std::size_t injected() const;
    std::string output() const;

  private:
    TempDir dir_{"regmigrate-faultproxy"};
    std::filesystem::path log_file_;
    std::unique_ptr<ChildProcess> child_;
    std::uint16_t port_ = 0;
};

}  // namespace regmigrate::testing
