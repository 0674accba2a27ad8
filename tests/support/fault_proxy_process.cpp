#include "tests/support/fault_proxy_process.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace regmigrate::testing {

namespace {

constexpr std::string_view kAnnouncement = "listening on 127.0.0.1:";
constexpr auto kReadyTimeout = std::chrono::seconds(10);

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

FaultProxyProcess::FaultProxyProcess(const std::filesystem::path& binary,
                                     const std::string& upstream,
                                     const std::vector<std::string>& rules,
                                     const std::vector<std::string>& options)
    : log_file_(dir_.path() / "faultproxy.log") {
    std::vector<std::string> argv{binary.string(), "--port", "0", "--upstream", upstream};
    for (const auto& rule : rules) {
        argv.push_back("--fault");
        argv.push_back(rule);
    }
    argv.insert(argv.end(), options.begin(), options.end());
    child_ = std::make_unique<ChildProcess>(argv, log_file_);
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    while (std::chrono::steady_clock::now() < deadline && child_->running()) {
        const std::string text = read_file(log_file_);
        const auto at = text.find(kAnnouncement);
        const auto end = at == std::string::npos ? at : text.find('\n', at);
        if (end != std::string::npos) {
            port_ = static_cast<std::uint16_t>(
                std::stoi(text.substr(at + kAnnouncement.size(), end - at - kAnnouncement.size())));
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    child_->stop();
    throw std::runtime_error("faultproxy did not start: " + file_tail(log_file_));
}

FaultProxyProcess::~FaultProxyProcess() {
    child_->stop();
}

std::string FaultProxyProcess::host() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::size_t FaultProxyProcess::injected() const {
    std::istringstream lines(read_file(log_file_));
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("faultproxy: ") && line.find(" on ") != std::string::npos)
            ++count;
    }
    return count;
}

std::string FaultProxyProcess::output() const {
    return file_tail(log_file_);
}

}  // namespace regmigrate::testing
