#include "tests/support/sync_cli.hpp"

#include <fstream>

namespace regmigrate::testing {

SyncCli::SyncCli(std::filesystem::path binary) : cli_(std::move(binary)) {}

SyncOutcome SyncCli::run(const std::string& command, const std::string& from, const std::string& to,
                         const std::vector<std::string>& options) {
    return run_with_outputs({command, "--from", from, "--to", to}, options);
}

SyncOutcome SyncCli::run_plan(const std::string& command, const std::filesystem::path& plan,
                              const std::vector<std::string>& options) {
    return run_with_outputs({command, "--config", plan.string()}, options);
}

std::filesystem::path SyncCli::write_file(const std::string& name,
                                          const std::string& contents) const {
    const auto file = dir_.path() / name;
    std::ofstream(file, std::ios::binary) << contents;
    return file;
}

SyncOutcome SyncCli::run_with_outputs(std::vector<std::string> args,
                                      const std::vector<std::string>& options) {
    const std::string run = std::to_string(++runs_);
    const auto report = dir_.path() / ("report-" + run + ".json");
    const auto metrics = dir_.path() / ("metrics-" + run + ".prom");
    args.insert(args.end(), {"--report", report.string(), "--metrics-file", metrics.string(),
                             "--certs-dir", cli_.certs_dir().string()});
    args.insert(args.end(), options.begin(), options.end());
    CliResult cli = cli_.run(args);
    return SyncOutcome{std::move(cli), read_copy_report(report), read_metrics_file(metrics)};
}

}  // namespace regmigrate::testing
