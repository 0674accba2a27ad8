// `regmigrate sync` and `regmigrate verify` as the sync integration tests drive them:
// every run writes a JSON report and a metrics textfile and uses a private --certs-dir,
// all in a temp dir owned by this object.
#pragma once

#include "tests/support/copy_report.hpp"
#include "tests/support/prometheus_text.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct SyncOutcome {
    CliResult cli;
    Expected<CopyReport> report;    // an error when the run wrote no (readable) report
    Expected<MetricsText> metrics;  // an error when the run wrote no (readable) metrics file
};

class SyncCli {
  public:
    explicit SyncCli(std::filesystem::path binary);

    // regmigrate COMMAND --from FROM --to TO --report F --metrics-file M --certs-dir D
    // OPTIONS... where COMMAND is "sync" or "verify". TLS is whatever OPTIONS say.
    SyncOutcome run(const std::string& command, const std::string& from, const std::string& to,
                    const std::vector<std::string>& options = {});
    // regmigrate COMMAND --config PLAN --report F --metrics-file M --certs-dir D OPTIONS...
    SyncOutcome run_plan(const std::string& command, const std::filesystem::path& plan,
                         const std::vector<std::string>& options = {});
    // Writes `contents` to NAME in this object's temp dir and returns its path.
    std::filesystem::path write_file(const std::string& name, const std::string& contents) const;

  private:
    SyncOutcome run_with_outputs(std::vector<std::string> args,
                                 const std::vector<std::string>& options);

    RegmigrateCli cli_;
    TempDir dir_{"regmigrate-sync-runs"};
    std::size_t runs_ = 0;
};

}  // namespace regmigrate::testing
