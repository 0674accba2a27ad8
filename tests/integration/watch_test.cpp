// `sync --watch` against real registries: rounds pick up what was pushed since the last
// one, /healthz follows the rounds (503 after a round that failed with the destination
// down, 200 again once it is back), each round's report replaces the last and always
// parses, and SIGTERM ends the watch after the image in flight with exit 0. Every test
// stops the process itself; every wait is a bounded poll.
#include "tests/support/copy_report.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/http_fetch.hpp"
#include "tests/support/prometheus_text.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <memory>
#include <thread>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;
using namespace std::chrono_literals;

void push_sample(const std::string& host, const std::string& tag, std::uint64_t seed) {
    push_image(host, sample_image("team/app", tag, ManifestFormat::docker, 1, seed));
}

class WatchTest : public ::testing::Test {
  protected:
    // Starts `regmigrate sync --watch 1s` from `from` to the destination in the background
    // and waits until it serves /healthz.
    void start_watch(const std::string& from, const std::vector<std::string>& options = {}) {
        std::vector<std::string> argv{REGMIGRATE_BINARY,
                                      "sync",
                                      "--from",
                                      from,
                                      "--to",
                                      destination_.host(),
                                      "--src-tls",
                                      "disabled",
                                      "--dest-tls",
                                      "disabled",
                                      "--no-journal",
                                      "--watch",
                                      "1s",
                                      "--metrics-addr",
                                      metrics_address_,
                                      "--report",
                                      report_file_.string()};
        argv.insert(argv.end(), options.begin(), options.end());
        run_ = std::make_unique<ChildProcess>(argv, output_file_);
        wait_until([&] { return get("/healthz").has_value(); }, "/healthz to answer");
    }

    Expected<FetchResponse> get(const std::string& path) {
        return fetch(FetchRequest{.url = "http://" + metrics_address_ + path, .timeout = 2s});
    }

    double metric(const std::string& name, const std::map<std::string, std::string>& labels) {
        const auto response = get("/metrics");
        if (!response || response->status != 200)
            return -1;
        const auto text = parse_metrics_text(response->body);
        EXPECT_TRUE(text) << text.error().message;
        return text ? text->sum(name, labels) : -1;
    }

    double rounds(const std::string& result) {
        return metric("regmigrate_watch_rounds_total", {{"result", result}});
    }

    // Polls `done` every 50 ms for at most 60 s; fails the test with the run's output.
    void wait_until(const std::function<bool()>& done, const std::string& what) {
        for (int i = 0; i < 1200; ++i) {
            if (done())
                return;
            ASSERT_TRUE(run_->running()) << "regmigrate exited waiting for " << what << "\n"
                                         << output();
            std::this_thread::sleep_for(50ms);
        }
        FAIL() << "timed out waiting for " << what << "\n" << output();
    }

    bool destination_has(const std::string& image) {
        const auto images = list_tagged_images(destination_.host());
        return images && images->contains(image);
    }

    // SIGTERM, then the exit status (kStillRunning if it did not exit within 60 s).
    int terminate() {
        ::kill(run_->pid(), SIGTERM);
        return run_->wait_for(60s);
    }

    std::string output() const { return file_tail(output_file_); }

    RegistryProcess source_;
    RegistryProcess destination_;
    TempDir dir_{"regmigrate-watch"};
    std::string metrics_address_ = "127.0.0.1:" + std::to_string(free_loopback_port());
    std::filesystem::path report_file_ = dir_.path() / "report.json";
    std::filesystem::path output_file_ = dir_.path() / "output.txt";
    std::unique_ptr<ChildProcess> run_;
};

TEST_F(WatchTest, ARoundPicksUpAnImagePushedAfterTheLastOne) {
    push_sample(source_.host(), "v1", 1);
    start_watch(source_.host());
    wait_until([&] { return destination_has("team/app:v1"); }, "v1 at the destination");
    wait_until([&] { return rounds("succeeded") >= 1; }, "a first round to succeed");
    push_sample(source_.host(), "v2", 2);
    wait_until([&] { return destination_has("team/app:v2"); }, "v2 at the destination");
    EXPECT_EQ(terminate(), 0) << output();
}

TEST_F(WatchTest, HealthzFailsAfterARoundWithTheDestinationDownAndRecoversWithIt) {
    push_sample(source_.host(), "v1", 1);
    start_watch(source_.host());
    wait_until([&] { return rounds("succeeded") >= 1; }, "a first round to succeed");
    const auto after_good = get("/healthz");
    ASSERT_TRUE(after_good) << after_good.error().message;
    EXPECT_EQ(after_good->status, 200) << after_good->body;

    destination_.stop();
    FetchResponse unhealthy;
    wait_until(
        [&] {
            const auto health = get("/healthz");
            if (health && health->status == 503)
                unhealthy = *health;
            return unhealthy.status == 503;
        },
        "/healthz to answer 503");
    EXPECT_NE(unhealthy.body.find("failed (exit "), std::string::npos) << unhealthy.body;
    EXPECT_NE(unhealthy.body.find(destination_.host()), std::string::npos) << unhealthy.body;
    EXPECT_EQ(unhealthy.body.find('\n'), unhealthy.body.size() - 1) << unhealthy.body;
    EXPECT_GE(rounds("failed"), 1);
    EXPECT_GE(metric("regmigrate_watch_last_round_exit_code", {}), 1);

    destination_.restart();
    const double succeeded = rounds("succeeded");
    wait_until([&] { return rounds("succeeded") > succeeded; }, "a round to succeed again");
    wait_until(
        [&] {
            const auto health = get("/healthz");
            return health && health->status == 200 &&
                   health->body.find("succeeded") != std::string::npos;
        },
        "/healthz to answer 200 after the recovery");
    EXPECT_EQ(terminate(), 0) << output();
}

TEST_F(WatchTest, EachRoundReplacesTheReportWhichAlwaysParses) {
    push_sample(source_.host(), "v1", 1);
    start_watch(source_.host());
    // Round 1 copies v1; a later round finds it there. Every read in between must parse.
    bool saw_copied = false;
    bool saw_skipped = false;
    wait_until(
        [&] {
            if (!std::filesystem::exists(report_file_))
                return false;
            const auto report = read_copy_report(report_file_);
            EXPECT_TRUE(report) << report.error().message;
            if (!report || report->images.size() != 1)
                return false;
            if (report->images[0].status == "copied")
                saw_copied = true;
            if (report->images[0].status == "skipped") {
                saw_skipped = true;
                // The round's own counts, not the totals since the watch began.
                EXPECT_EQ(report->summary.blobs_uploaded, 0u) << report->text;
                EXPECT_EQ(report->summary.bytes_transferred, 0u) << report->text;
            }
            return saw_copied && saw_skipped;
        },
        "a report of v1 copied, then one of v1 skipped");
    // /metrics keeps counting across rounds.
    EXPECT_EQ(metric("regmigrate_images_total", {{"result", "copied"}}), 1);
    EXPECT_GE(metric("regmigrate_images_total", {{"result", "skipped"}}), 1);
    EXPECT_EQ(terminate(), 0) << output();
}

TEST_F(WatchTest, SigtermEndsTheWatchAfterTheImageInFlightWithExitZero) {
    constexpr int images = 12;
    for (int i = 0; i < images; ++i)
        push_sample(source_.host(), "t" + std::to_string(10 + i),
                    static_cast<std::uint64_t>(i + 1));
    // Each manifest GET held 300 ms: the first round is still going when the signal comes.
    FaultProxyProcess proxy(FAULTPROXY_BINARY, source_.host(),
                            {"stall method=GET path=/manifests/ stall-ms=300"});
    start_watch(proxy.host(), {"--jobs", "1", "--threads", "1"});
    wait_until(
        [&] {
            const auto copied = list_tagged_images(destination_.host());
            return copied && !copied->empty();
        },
        "a first image at the destination");
    // Eleven images of 300 ms each are still to come: the round is running.
    const auto during = get("/healthz");
    ASSERT_TRUE(during) << during.error().message;
    EXPECT_EQ(during->status, 200) << during->body;
    EXPECT_EQ(during->body, "round 1 running\n");
    EXPECT_EQ(terminate(), 0) << output();
    const auto copied = list_tagged_images(destination_.host());
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_LT(copied->size(), static_cast<std::size_t>(images));
    const auto report = read_copy_report(report_file_);
    ASSERT_TRUE(report) << report.error().message << "\n" << output();
    EXPECT_NE(output().find("SIGTERM: watch stopped after 1 round"), std::string::npos) << output();
}

TEST_F(WatchTest, HealthzFailsWhileARoundMakesNoProgressPastTheBound) {
    push_sample(source_.host(), "v1", 1);
    // The manifest's answer held 5 s: no request answered, no byte moved for longer than
    // --watch-stall-after 1s.
    FaultProxyProcess proxy(FAULTPROXY_BINARY, source_.host(),
                            {"stall method=GET path=/manifests/ stall-ms=5000"});
    start_watch(proxy.host(), {"--jobs", "1", "--watch-stall-after", "1s"});
    FetchResponse stalled;
    wait_until(
        [&] {
            const auto health = get("/healthz");
            if (health && health->status == 503)
                stalled = *health;
            return stalled.status == 503;
        },
        "/healthz to answer 503 during the stall");
    EXPECT_EQ(stalled.body.rfind("round 1 has made no progress for ", 0), 0u) << stalled.body;
    EXPECT_NE(stalled.body.find("(--watch-stall-after 1s)"), std::string::npos) << stalled.body;
    wait_until([&] { return destination_has("team/app:v1"); }, "v1 once the stall is over");
    wait_until(
        [&] {
            const auto health = get("/healthz");
            return health && health->status == 200;
        },
        "/healthz to answer 200 again");
    EXPECT_EQ(terminate(), 0) << output();
}

}  // namespace
}  // namespace regmigrate::testing
