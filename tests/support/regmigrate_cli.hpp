// `regmigrate copy` as the copy integration tests drive it: every run writes a JSON
// report and uses a private --certs-dir (so /etc/docker/certs.d never leaks in), both in
// a temp dir owned by this object.
#pragma once

#include "tests/support/cli_runner.hpp"
#include "tests/support/copy_report.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct CopyOutcome {
    CliResult cli;
    Expected<CopyReport> report;  // an error when the run wrote no (readable) report
};

class RegmigrateCli {
  public:
    explicit RegmigrateCli(std::filesystem::path binary);

    // regmigrate copy SOURCE DESTINATION --report FILE --certs-dir DIR OPTIONS...
    CopyOutcome copy(const std::string& source, const std::string& destination,
                     const std::vector<std::string>& options = {},
                     const std::map<std::string, std::string>& env = {});
    // regmigrate ARGS... as given.
    CliResult run(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {});

    const std::filesystem::path& certs_dir() const { return certs_dir_; }
    // certs_dir()/HOST, created: where docker's layout wants HOST's *.crt, *.cert, *.key.
    std::filesystem::path host_certs_dir(const std::string& host) const;

  private:
    std::filesystem::path binary_;
    TempDir dir_{"regmigrate-cli-runs"};
    std::filesystem::path certs_dir_;
    std::size_t runs_ = 0;
};

// --src-tls disabled --dest-tls disabled: both registries speak plain HTTP.
std::vector<std::string> plain_http();

}  // namespace regmigrate::testing
