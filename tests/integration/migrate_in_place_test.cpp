// `regmigrate migrate` with V1_REGISTRY = V2_REGISTRY: a registry replaced in place on one
// host:port. The run exports every image to OCI layouts in a staging directory, waits while
// the test swaps the server behind the port, then imports into the new server:
//   - a v2 docker-registry replaced by a fresh one (empty storage), checked afterwards with
//     `regmigrate verify` against the original storage served by a third registry;
//   - the v1 fake (tests/support/v1_fake.hpp) replaced by a docker-registry, checked with
//     skopeo reading from the registry the manifest bytes the staging layouts hold;
//   - a run that times out waiting for the switch, then a rerun that imports without
//     exporting again (the v1 registry is gone by then).
#include "engine/run/same_host_migration.hpp"
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/copy_report.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/v1_fake.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace regmigrate::testing {
namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;

constexpr auto kPhaseTimeout = std::chrono::seconds(120);

// The migration of `host` onto itself, unattended, staged in `staging`.
Env in_place(const std::string& host, const fs::path& staging, int switch_timeout_seconds) {
    return {{"V1_REGISTRY", host},
            {"V2_REGISTRY", host},
            {"USE_HTTP", "true"},
            {"NO_LOGIN", "true"},
            {"USER_PROMPT", "false"},
            {"MIGRATION_STAGING_DIR", staging.string()},
            {"MIGRATION_SWITCH_TIMEOUT", std::to_string(switch_timeout_seconds)}};
}

// A migrate run in the background, its output in a file, so the test can swap the
// registry while it waits.
class BackgroundMigrate {
  public:
    BackgroundMigrate(const Env& env, const fs::path& dir) : log_(dir / "migrate.log") {
        std::vector<std::string> argv{"env"};
        for (const auto& [name, value] : env)
            argv.push_back(name + "=" + value);
        argv.insert(argv.end(),
                    {REGMIGRATE_BINARY, "migrate", "--report", (dir / "report.json").string()});
        child_ = std::make_unique<ChildProcess>(argv, log_);
    }

    // True once the run says it waits for the switch (at most kPhaseTimeout).
    bool waiting_for_switch() {
        const auto deadline = std::chrono::steady_clock::now() + kPhaseTimeout;
        while (child_->running() && std::chrono::steady_clock::now() < deadline) {
            if (file_tail(log_).find("waiting for") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    bool running() { return child_->running(); }
    int exit_status() { return child_->wait_for(kPhaseTimeout); }
    std::string log() const { return file_tail(log_); }

  private:
    fs::path log_;
    std::unique_ptr<ChildProcess> child_;
};

class MigrateInPlaceTest : public SyncFleetTest {
  protected:
    fs::path staging() const { return dir_.path() / "staging"; }

    // Stops the registry and starts a fresh one, empty, on the same port, after a pause long
    // enough for the run's probes to see the host down (a real switch takes that long).
    void replace_source_registry() {
        source_.stop();
        fs::remove_all(source_.storage_dir());
        fs::create_directories(source_.storage_dir());
        std::this_thread::sleep_for(4 * engine::switch_probe_interval);
        source_.restart();
    }

    TempDir dir_{"regmigrate-in-place"};
};

TEST_F(MigrateInPlaceTest, V2RegistryReplacedInPlaceServesEveryImageByteIdentical) {
    const fs::path original = dir_.path() / "original";
    fs::copy(source_.storage_dir(), original, fs::copy_options::recursive);

    BackgroundMigrate run(in_place(source_.host(), staging(), 120), dir_.path());
    ASSERT_TRUE(run.waiting_for_switch()) << run.log();
    // A v2 registry must be seen gone before a v2 answer counts as the new one.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_TRUE(run.running()) << "it must wait, not import into the old registry\n" << run.log();
    replace_source_registry();
    ASSERT_EQ(run.exit_status(), 0) << run.log();

    const auto report = read_copy_report(dir_.path() / "report.json");
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->summary.images_copied, fleet_.images) << report->text;
    EXPECT_EQ(report->summary.images_failed, 0u) << report->text;

    RegistryProcess old_registry(RegistryOptions{.storage_dir = original});
    const auto verified = cli_.run("verify", old_registry.host(), source_.host(), plain_http());
    EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
    ASSERT_TRUE(verified.report) << verified.report.error().message;
    EXPECT_EQ(verified.report->summary.images_failed, 0u) << verified.report->text;
    EXPECT_EQ(verified.report->images.size(), fleet_.images) << verified.report->text;
}

class MigrateV1InPlaceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto base =
            fake_->add_image("", ustar_archive({{"etc/os-release", "ID=inplace\n"}}), "ADD base");
        fake_->tag("acme/app", "1.0",
                   fake_->add_image(base, ustar_archive({{"app", "one\n"}}), "COPY app"));
        fake_->tag("acme/app", "2.0",
                   fake_->add_image(base, ustar_archive({{"app", "two\n"}}), "COPY app"));
        fake_->tag("library/solo", "latest",
                   fake_->add_image("", ustar_archive({{"solo", "alone\n"}}), "ADD solo"));
        host_ = fake_->host();
    }

    // The v1 server goes away and a docker-registry takes its port.
    void replace_with_v2() {
        const auto port = static_cast<std::uint16_t>(std::stoi(host_.substr(host_.rfind(':') + 1)));
        fake_.reset();
        registry_ = std::make_unique<RegistryProcess>(RegistryOptions{.port = port});
    }

    // The digest index.json of the staged layout gives the tag (empty when none).
    std::string staged_digest(const std::string& repository, const std::string& tag) const {
        std::ifstream in(staging() / repository / "index.json");
        std::ostringstream text;
        text << in.rdbuf();
        const auto index = boost::json::parse(text.str()).as_object();
        for (const auto& entry : index.at("manifests").as_array()) {
            const auto* annotations = entry.as_object().if_contains("annotations");
            if (annotations &&
                annotations->as_object().at("org.opencontainers.image.ref.name").as_string() == tag)
                return std::string(entry.at("digest").as_string());
        }
        return {};
    }

    // The registry serves, under every tag, the manifest bytes the export staged.
    void expect_images_as_staged() {
        const std::set<std::string> expected{"acme/app:1.0", "acme/app:2.0", "library/solo:latest"};
        const auto tagged = list_tagged_images(host_);
        ASSERT_TRUE(tagged) << tagged.error().message;
        EXPECT_EQ(*tagged, expected);
        for (const auto& image : expected) {
            const auto colon = image.find(':');
            const auto staged = staged_digest(image.substr(0, colon), image.substr(colon + 1));
            ASSERT_FALSE(staged.empty()) << image << " is not in the staging layout";
            fleet::RegistryWriter reader({host_});
            const auto served =
                reader.get_manifest(image.substr(0, colon), image.substr(colon + 1));
            ASSERT_TRUE(served) << served.error().message;
            EXPECT_EQ(served->digest, staged) << image;
            std::ifstream blob(staging() / image.substr(0, colon) / "blobs" / "sha256" /
                               staged.substr(7));
            std::ostringstream bytes;
            bytes << blob.rdbuf();
            EXPECT_EQ(bytes.str(), served->bytes) << image;
        }
    }

    fs::path staging() const { return dir_.path() / "staging"; }

    std::unique_ptr<V1Fake> fake_ = std::make_unique<V1Fake>();
    std::unique_ptr<RegistryProcess> registry_;
    std::string host_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"regmigrate-v1-in-place"};
};

TEST_F(MigrateV1InPlaceTest, V1RegistryReplacedWhileTheRunWaitsEndsWithEveryImage) {
    BackgroundMigrate run(in_place(host_, staging(), 120), dir_.path());
    ASSERT_TRUE(run.waiting_for_switch()) << run.log();
    replace_with_v2();
    ASSERT_EQ(run.exit_status(), 0) << run.log();
    expect_images_as_staged();
}

TEST_F(MigrateV1InPlaceTest, RerunAfterASwitchTimeoutImportsWithoutExportingAgain) {
    const auto timed_out = cli_.run({"migrate"}, in_place(host_, staging(), 2));
    EXPECT_EQ(timed_out.exit_code, 1) << timed_out.describe();
    EXPECT_NE(timed_out.err.find("MIGRATION_SWITCH_TIMEOUT"), std::string::npos)
        << timed_out.describe();
    EXPECT_TRUE(fs::exists(staging() / engine::export_marker_name));

    replace_with_v2();  // the v1 registry is gone: a second export could not even start
    const auto resumed = cli_.run({"migrate"}, in_place(host_, staging(), 30));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.describe();
    EXPECT_NE(resumed.err.find("not exporting again"), std::string::npos) << resumed.describe();
    expect_images_as_staged();
}

// An image whose tag names a v1 image the registry does not have: its export fails.
constexpr const char* kMissingImage =
    "0000000000000000000000000000000000000000000000000000000000000bad";

TEST_F(MigrateV1InPlaceTest, ExportFailureStopsTheRunBeforeTheSwitch) {
    fake_->tag("acme/broken", "1", kMissingImage);
    auto env = in_place(host_, staging(), 30);
    env["ERROR_ACTION"] = "abort";
    const auto run = cli_.run({"migrate"}, env);
    EXPECT_EQ(run.exit_code, 1) << run.describe();
    EXPECT_NE(run.err.find("must not be switched yet"), std::string::npos) << run.describe();
    EXPECT_EQ(run.err.find("waiting for"), std::string::npos) << run.describe();
    EXPECT_FALSE(fs::exists(staging() / engine::export_marker_name));
}

TEST_F(MigrateV1InPlaceTest, SkippedExportFailureIsReportedAndTheRestArrives) {
    fake_->tag("acme/broken", "1", kMissingImage);
    auto env = in_place(host_, staging(), 120);
    env["ERROR_ACTION"] = "skip";
    BackgroundMigrate run(env, dir_.path());
    ASSERT_TRUE(run.waiting_for_switch()) << run.log();
    replace_with_v2();
    EXPECT_EQ(run.exit_status(), 1) << run.log();
    expect_images_as_staged();
    const auto report = read_copy_report(dir_.path() / "report.json");
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->summary.images_copied, 3u) << report->text;
    EXPECT_EQ(report->summary.images_failed, 1u) << report->text;
}

}  // namespace
}  // namespace regmigrate::testing
