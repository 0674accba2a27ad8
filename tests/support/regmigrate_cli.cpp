#include "tests/support/regmigrate_cli.hpp"

namespace regmigrate::testing {

RegmigrateCli::RegmigrateCli(std::filesystem::path binary)
    : binary_(std::move(binary)), certs_dir_(dir_.path() / "certs.d") {
    std::filesystem::create_directories(certs_dir_);
}

CopyOutcome RegmigrateCli::copy(const std::string& source, const std::string& destination,
                                const std::vector<std::string>& options,
                                const std::map<std::string, std::string>& env) {
    const auto report = dir_.path() / ("report-" + std::to_string(++runs_) + ".json");
    std::vector<std::string> args{"copy",          source,        destination,        "--report",
                                  report.string(), "--certs-dir", certs_dir_.string()};
    args.insert(args.end(), options.begin(), options.end());
    CliResult cli = run(args, env);
    return CopyOutcome{std::move(cli), read_copy_report(report)};
}

CliResult RegmigrateCli::run(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
    return run_cli(binary_, CliInvocation{args, env});
}

std::filesystem::path RegmigrateCli::host_certs_dir(const std::string& host) const {
    auto dir = certs_dir_ / host;
    std::filesystem::create_directories(dir);
    return dir;
}

std::vector<std::string> plain_http() {
    return {"--src-tls", "disabled", "--dest-tls", "disabled"};
}

}  // namespace regmigrate::testing
