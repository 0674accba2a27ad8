// Resume and signals against real docker-registry processes: a sync killed with SIGKILL at
// several points is completed by a rerun with the same journal, verify passes, and the
// rerun moves no more bytes than were not yet committed at the kill; SIGINT and SIGTERM
// end a run with its report written, its journal flushed and exit 130 / 143; a destination
// restarted mid-run is caught up by a rerun.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/subprocess.hpp"
#include "tools/fleet/byte_source.hpp"
#include "tools/fleet/image_builder.hpp"

#include "engine/state/journal.hpp"

#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace regmigrate::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBigLayerSize = 32 * 1024 * 1024 + 1;

// Layers shared by no two repositories: a blob committed in the destination is then
// committed where the rerun needs it, so what the rerun may move is exactly what was not
// committed at the kill.
fleet::FleetSpec unshared_fleet_spec() {
    fleet::FleetSpec spec;
    spec.repositories = 8;
    spec.tags = 2;
    spec.base_layers = 0;
    spec.unique_layer_size = 16 * 1024;
    spec.multiarch_share = 0.3;
    spec.oci_share = 0.5;
    spec.seed = 7;
    spec.prefix = "fleet";
    return spec;
}

fs::path v2_root(const RegistryProcess& registry) {
    return registry.storage_dir() / "docker" / "registry" / "v2";
}

// Every regular file under dir, tolerating a registry that creates and removes files
// while we look.
std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> files;
    std::error_code error;
    fs::recursive_directory_iterator it(dir, error), end;
    while (!error && it != end) {
        if (it->is_regular_file(error))
            files.push_back(it->path());
        it.increment(error);
    }
    return files;
}

// Digest → size of every blob in a registry's store (layers, configs and manifests).
std::map<std::string, std::uint64_t> stored_blobs(const RegistryProcess& registry) {
    std::map<std::string, std::uint64_t> blobs;
    for (const auto& file : files_under(v2_root(registry) / "blobs" / "sha256")) {
        std::error_code error;
        const auto size = fs::file_size(file, error);
        if (!error && file.filename() == "data")
            blobs["sha256:" + file.parent_path().filename().string()] = size;
    }
    return blobs;
}

// Digests some repository of the registry links (its _layers): what a HEAD or a mount
// finds. A blob whose data reached the store but whose link did not (a registry restarted
// between the two) must be sent again.
std::set<std::string> linked_blobs(const RegistryProcess& registry) {
    std::set<std::string> linked;
    for (const auto& file : files_under(v2_root(registry) / "repositories")) {
        const auto digest_dir = file.parent_path();
        if (file.filename() == "link" && digest_dir.parent_path().filename() == "sha256" &&
            digest_dir.parent_path().parent_path().filename() == "_layers")
            linked.insert("sha256:" + digest_dir.filename().string());
    }
    return linked;
}

// Bytes received so far by uploads the registry has not committed yet.
std::uint64_t uploading_bytes(const RegistryProcess& registry) {
    std::uint64_t bytes = 0;
    for (const auto& file : files_under(v2_root(registry) / "repositories")) {
        std::error_code error;
        const auto size = fs::file_size(file, error);
        if (!error && file.filename() == "data" &&
            file.parent_path().parent_path().filename() == "_uploads")
            bytes += size;
    }
    return bytes;
}

fs::path repository_dir(const RegistryProcess& registry, const std::string& repository) {
    return v2_root(registry) / "repositories" / repository / "_manifests";
}

bool manifest_stored(const RegistryProcess& registry, const std::string& repository,
                     const std::string& digest) {
    return fs::exists(repository_dir(registry, repository) / "revisions" / "sha256" /
                      digest.substr(7) / "link");
}

bool tag_stored(const RegistryProcess& registry, const std::string& repository,
                const std::string& tag) {
    return fs::exists(repository_dir(registry, repository) / "tags" / tag / "current" / "link");
}

std::string file_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class ResumeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto pushed = fleet::push_fleet(unshared_fleet_spec(), {source_.host()}, 2);
        ASSERT_TRUE(pushed) << pushed.error().message;
        images_ = pushed->images;
        push_big_index();
    }

    // big/app:v1, an index whose first child is small and whose second carries a big
    // layer: a kill while that layer streams lands between the children and the index.
    void push_big_index() {
        fleet::RegistryWriter writer({source_.host()});
        fleet::ByteSource content(0xb16);
        big_layer_ = writer
                         .push_blob_stream("big/app", kBigLayerSize,
                                           [&](char* out, std::size_t n) { content.fill(out, n); })
                         .value();
        const std::string small_bytes = "a small layer of the first child";
        const std::string small_layer = writer.push_blob("big/app", small_bytes).value();
        const auto oci_layer = fleet::media_type::oci_layer;
        const fleet::BuiltImage small =
            fleet::build_image({fleet::ManifestFormat::oci,
                                {"linux", "amd64"},
                                {{oci_layer, small_layer, small_bytes.size()}}});
        const fleet::BuiltImage big =
            fleet::build_image({fleet::ManifestFormat::oci,
                                {"linux", "arm64"},
                                {{oci_layer, big_layer_, kBigLayerSize}}});
        for (const auto* image : {&small, &big}) {
            writer.push_blob("big/app", image->config).value();
            writer
                .push_manifest("big/app", image->manifest_descriptor.digest,
                               image->manifest_descriptor.media_type, image->manifest)
                .value();
        }
        first_child_ = small.manifest_descriptor.digest;
        const auto index = fleet::build_index(fleet::ManifestFormat::oci,
                                              {{small.manifest_descriptor, {"linux", "amd64"}},
                                               {big.manifest_descriptor, {"linux", "arm64"}}});
        writer.push_manifest("big/app", "v1", index.descriptor.media_type, index.bytes).value();
        ++images_;
    }

    std::vector<std::string> journal_option() const { return {"--journal", journal_.string()}; }

    // Starts a sync (into `to`, the destination unless given), polls `ready` every
    // millisecond while it runs (for at most 60 s), then sends `signals` one after the other
    // and returns the exit status (-signal when killed).
    int interrupt(const std::function<bool()>& ready, const std::vector<int>& signals,
                  std::string to = {}) {
        if (to.empty())
            to = destination_.host();
        std::vector<std::string> argv{
            REGMIGRATE_BINARY, "sync",      "--from",   source_.host(),  "--to", to,
            "--certs-dir",     dir_.path(), "--report", report_.string()};
        for (const auto& option : with(plain_http(), journal_option()))
            argv.push_back(option);
        ChildProcess run(argv, dir_.path() / "interrupted.log");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        bool reached = false;
        while (!reached && run.running() && std::chrono::steady_clock::now() < deadline) {
            reached = ready();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        EXPECT_TRUE(reached) << "the run ended before the point to interrupt it at\n"
                             << file_tail(dir_.path() / "interrupted.log");
        for (std::size_t i = 0; i < signals.size(); ++i) {
            // Standard signals do not queue: a second one sent before the first is handled
            // would be merged into it. Wait until the run says it is stopping.
            const auto said_stopping = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (i > 0 && run.running() && std::chrono::steady_clock::now() < said_stopping &&
                   file_tail(dir_.path() / "interrupted.log").find("stopping") == std::string::npos)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            ::kill(run.pid(), signals[i]);
        }
        const int status = run.wait_for(std::chrono::seconds(30));
        log_ = file_tail(dir_.path() / "interrupted.log");
        return status;
    }

    // What a rerun may move: bytes of source blobs no destination repository links yet.
    std::uint64_t uncommitted_bytes() const {
        const auto committed = linked_blobs(destination_);
        std::uint64_t bytes = 0;
        for (const auto& [digest, size] : stored_blobs(source_)) {
            if (!committed.contains(digest))
                bytes += size;
        }
        return bytes;
    }

    // A sync of the same plan (into `to`, the destination unless given).
    SyncOutcome rerun(std::string to = {}) {
        return cli_.run("sync", source_.host(), to.empty() ? destination_.host() : to,
                        with(plain_http(), journal_option()));
    }

    // The rerun completes every image, moves at most `allowed` bytes, and verify passes.
    void expect_rerun_completes(std::uint64_t allowed, const std::string& to = {}) {
        const auto run = rerun(to);
        ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
        ASSERT_TRUE(run.report) << run.report.error().message;
        EXPECT_EQ(run.report->summary.images_copied + run.report->summary.images_skipped, images_);
        EXPECT_LE(run.report->summary.bytes_transferred, allowed);
        const auto verified = cli_.run("verify", source_.host(), destination_.host(), plain_http());
        EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
    }

    engine::JournalContents journal_contents() const {
        return engine::parse_journal(file_text(journal_)).value();
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"regmigrate-resume"};
    fs::path journal_ = dir_.path() / "state" / "plan.journal";
    fs::path report_ = dir_.path() / "interrupted-report.json";
    std::size_t images_ = 0;
    std::string big_layer_;
    std::string first_child_;
    std::string log_;
};

TEST_F(ResumeTest, SigkillWhileListingThenRerunCompletes) {
    // Repositories are listed one by one while the first images already copy: the first
    // repository appearing at the destination is a moment inside the listing.
    const int status =
        interrupt([&] { return fs::exists(v2_root(destination_) / "repositories"); }, {SIGKILL});
    EXPECT_EQ(status, -SIGKILL) << log_;
    expect_rerun_completes(uncommitted_bytes());
}

TEST_F(ResumeTest, SigkillMidBlobThenRerunMovesNoMoreThanWasInFlight) {
    const int status =
        interrupt([&] { return uploading_bytes(destination_) > 1024 * 1024; }, {SIGKILL});
    EXPECT_EQ(status, -SIGKILL) << log_;
    const std::uint64_t in_flight = uncommitted_bytes();
    EXPECT_GE(in_flight, kBigLayerSize);  // the big layer was cut off mid-way
    expect_rerun_completes(in_flight);
}

TEST_F(ResumeTest, SigkillBetweenIndexChildrenAndIndexThenRerunPushesTheIndex) {
    // The children go right before their index: the index's PUT is held back, so the kill
    // lands after the children and before the index whatever the machine's speed.
    // The rerun goes the same way: the journal belongs to the plan's destination.
    FaultProxyProcess index_held(FAULTPROXY_BINARY, destination_.host(),
                                 {"latency delay-ms=2000 method=PUT path=/manifests/v1$"});
    const int status =
        interrupt([&] { return manifest_stored(destination_, "big/app", first_child_); }, {SIGKILL},
                  index_held.host());
    EXPECT_EQ(status, -SIGKILL) << log_;
    ASSERT_FALSE(tag_stored(destination_, "big/app", "v1")) << "killed after the index";
    expect_rerun_completes(uncommitted_bytes(), index_held.host());
    EXPECT_TRUE(tag_stored(destination_, "big/app", "v1"));
}

TEST_F(ResumeTest, RerunSkipsJournaledTagsWithOneSourceHeadEachAndMovesNothing) {
    const auto first = rerun();
    ASSERT_EQ(first.cli.exit_code, 0) << first.cli.describe();
    const auto second = rerun();
    ASSERT_EQ(second.cli.exit_code, 0) << second.cli.describe();
    ASSERT_TRUE(second.report && second.metrics) << second.cli.describe();
    EXPECT_EQ(second.report->summary.images_skipped, images_);
    EXPECT_EQ(second.report->summary.bytes_transferred, 0u);
    // Without the journal skip-existing costs two HEADs a tag (destination and source).
    EXPECT_EQ(second.metrics->sum("regmigrate_http_requests_total", {{"method", "HEAD"}}),
              static_cast<double>(images_));
}

TEST_F(ResumeTest, JournalRecordsEveryBlobAndTagOfACompleteRun) {
    const auto run = rerun();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    std::size_t tags = 0;
    bool big_layer = false;
    for (const auto& record : journal_contents().records) {
        tags += record.kind == engine::JournalRecord::Kind::tag;
        big_layer |= record.repository == "big/app" && record.digest == big_layer_;
    }
    EXPECT_EQ(tags, images_);
    EXPECT_TRUE(big_layer);
}

TEST_F(ResumeTest, SigintLetsTheBlobInFlightFinishWritesTheReportAndExits130) {
    const int status = interrupt([&] { return uploading_bytes(destination_) > 0; }, {SIGINT});
    EXPECT_EQ(status, 130) << log_;
    const auto report = read_copy_report(report_);
    ASSERT_TRUE(report) << report.error().message << "\n" << log_;
    EXPECT_EQ(report->summary.images_failed, 0u) << log_;
    bool big_layer = false;
    for (const auto& record : journal_contents().records)
        big_layer |= record.repository == "big/app" && record.digest == big_layer_;
    EXPECT_TRUE(big_layer) << "the layer in flight was finished and journaled";
    expect_rerun_completes(uncommitted_bytes());
}

TEST_F(ResumeTest, SigtermExits143WithTheReportWritten) {
    const int status = interrupt([&] { return uploading_bytes(destination_) > 0; }, {SIGTERM});
    EXPECT_EQ(status, 143) << log_;
    EXPECT_TRUE(read_copy_report(report_)) << log_;
    expect_rerun_completes(uncommitted_bytes());
}

TEST_F(ResumeTest, SecondSigintStopsAtOnceWithTheJournalFlushed) {
    const int status =
        interrupt([&] { return uploading_bytes(destination_) > 0; }, {SIGINT, SIGINT});
    EXPECT_EQ(status, 130) << log_;
    EXPECT_NE(log_.find("SIGINT again: stopping now"), std::string::npos) << log_;
    EXPECT_TRUE(read_copy_report(report_)) << log_;
    expect_rerun_completes(uncommitted_bytes());
}

TEST_F(ResumeTest, DestinationRestartedMidRunThenRerunCompletes) {
    // No signal: the run goes on against the restarted registry and ends by itself.
    const int status = interrupt(
        [&] {
            if (uploading_bytes(destination_) <= 1024 * 1024)
                return false;
            destination_.restart();
            return true;
        },
        {});
    EXPECT_TRUE(status == 0 || status == 1) << status << "\n" << log_;
    expect_rerun_completes(uncommitted_bytes());
}

}  // namespace
}  // namespace regmigrate::testing
