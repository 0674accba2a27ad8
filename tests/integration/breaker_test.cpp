// The breaker against a real registry that goes away in the middle of a sync: killed and
// not restarted, it trips the breaker (said once, the untried images reported
// not_attempted, exit 1); restarted within seconds, the run waits it out and copies
// everything. A fault proxy holds each source manifest back 300 ms so the run is still
// going when the destination goes.
#include "tests/support/copy_report.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;
using namespace std::chrono_literals;

constexpr int kImages = 12;

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

std::size_t with_status(const CopyReport& report, const std::string& status) {
    std::size_t count = 0;
    for (const auto& image : report.images)
        count += image.status == status;
    return count;
}

class BreakerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (int i = 0; i < kImages; ++i) {
            push_image(source_.host(),
                       sample_image("team/app", "t" + std::to_string(10 + i),
                                    ManifestFormat::docker, 1, static_cast<std::uint64_t>(i + 1)));
        }
        proxy_ = std::make_unique<FaultProxyProcess>(
            FAULTPROXY_BINARY, source_.host(),
            std::vector<std::string>{"stall method=GET path=/manifests/ stall-ms=300"});
    }

    // Starts `regmigrate sync` in the background, one image at a time.
    void start_sync(const std::vector<std::string>& options) {
        std::vector<std::string> argv{REGMIGRATE_BINARY,
                                      "sync",
                                      "--from",
                                      proxy_->host(),
                                      "--to",
                                      destination_.host(),
                                      "--src-tls",
                                      "disabled",
                                      "--dest-tls",
                                      "disabled",
                                      "--jobs",
                                      "1",
                                      "--threads",
                                      "1",
                                      "--no-journal",
                                      "--report",
                                      report_file_.string()};
        argv.insert(argv.end(), options.begin(), options.end());
        run_ = std::make_unique<ChildProcess>(argv, output_file_);
    }

    // Waits (bounded) until a second image has arrived at the destination: the run is past
    // its preflight and copying, and (one image at a time) has recorded the first as copied.
    // A first tag alone is not enough: the registry may be stopped before the run has read
    // the answer to that manifest's PUT.
    void wait_for_first_copy() {
        for (int i = 0; i < 600; ++i) {
            const auto images = list_tagged_images(destination_.host());
            if (images && images->size() >= 2)
                return;
            std::this_thread::sleep_for(50ms);
        }
        FAIL() << "no image arrived at the destination\n" << output();
    }

    int wait_for_exit() { return run_->wait_for(180s); }

    std::string output() const {
        std::ifstream in(output_file_);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    std::unique_ptr<FaultProxyProcess> proxy_;
    TempDir dir_{"regmigrate-breaker"};
    std::filesystem::path report_file_ = dir_.path() / "report.json";
    std::filesystem::path output_file_ = dir_.path() / "output.txt";
    std::unique_ptr<ChildProcess> run_;
};

TEST_F(BreakerTest, DestinationKilledAndNotRestartedTripsTheBreaker) {
    start_sync({"--breaker-threshold", "3", "--breaker-window", "1"});
    wait_for_first_copy();
    destination_.stop();
    EXPECT_EQ(wait_for_exit(), 1) << output();
    const auto report = read_copy_report(report_file_);
    ASSERT_TRUE(report) << report.error().message << "\n" << output();
    EXPECT_EQ(report->images.size(), static_cast<std::size_t>(kImages)) << report->text;
    EXPECT_GE(with_status(*report, "copied"), 1u) << report->text;
    EXPECT_GE(with_status(*report, "failed"), 3u) << report->text;
    const std::size_t untried = with_status(*report, "not_attempted");
    EXPECT_GE(untried, 1u) << report->text;
    for (const auto& image : report->images) {
        if (image.status == "not_attempted") {
            EXPECT_NE(image.error.find("destination " + destination_.host() +
                                       " stopped: connection refused"),
                      std::string::npos)
                << image.error;
        }
    }
    const std::string said = output();
    EXPECT_EQ(occurrences(said, "no new images are started"), 1u) << said;
    EXPECT_NE(said.find(std::to_string(untried) + (untried == 1 ? " image" : " images") +
                        " not attempted: destination " + destination_.host() + " stopped"),
              std::string::npos)
        << said;
}

TEST_F(BreakerTest, DestinationRestartedWithinTheWindowDoesNotTripIt) {
    // One failure would trip it, were it not for the window.
    start_sync({"--breaker-threshold", "1", "--breaker-window", "60", "--error-action", "retry"});
    wait_for_first_copy();
    destination_.restart();
    EXPECT_EQ(wait_for_exit(), 0) << output();
    const auto report = read_copy_report(report_file_);
    ASSERT_TRUE(report) << report.error().message << "\n" << output();
    EXPECT_EQ(with_status(*report, "copied"), static_cast<std::size_t>(kImages)) << report->text;
    EXPECT_EQ(output().find("no new images are started"), std::string::npos) << output();
}

}  // namespace
}  // namespace regmigrate::testing
