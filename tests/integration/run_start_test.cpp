// The start of a sync against real registries behind logging fault proxies: every registry
// is preflighted at once, the source's one unauthenticated GET /v2/ also tells its API, and
// the destination's catalog is read while the source is listed. Where registries are far
// away each of these was a serial round trip (and a connection) before the first image.
// A proxy holds one answer back 10 s; the test watches the other proxy's log (bounded, 8 s)
// for the request that must not wait for it.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <thread>

namespace regmigrate::testing {
namespace {

using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++count;
    return count;
}

const std::string kV2Answered = "faultproxy: request GET /v2/ ";
const std::string kCatalogAnswered = "faultproxy: request GET /v2/_catalog ";
const std::string kTagsAnswered = "/tags/list ";

class RunStartTest : public ::testing::Test {
  protected:
    void SetUp() override {
        push_image(source_.host(), sample_image("team/app", "v1", fleet::ManifestFormat::oci));
        push_image(source_.host(), sample_image("team/db", "v1", fleet::ManifestFormat::docker));
    }

    // regmigrate sync from `from` to `to`, in the background.
    std::unique_ptr<ChildProcess> start_sync(const std::string& from, const std::string& to) {
        return std::make_unique<ChildProcess>(
            std::vector<std::string>{REGMIGRATE_BINARY, "sync", "--from", from, "--to", to,
                                     "--src-tls", "disabled", "--dest-tls", "disabled",
                                     "--no-journal"},
            dir_.path() / "output.txt");
    }

    std::size_t images_at_destination() const {
        const auto images = list_tagged_images(destination_.host());
        return images ? images->size() : 0;
    }

    // Waits (at most 8 s) until proxy has logged `part`.
    static bool logged_soon(const FaultProxyProcess& proxy, const std::string& part) {
        for (int i = 0; i < 160; ++i) {
            if (proxy.output().find(part) != std::string::npos)
                return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    TempDir dir_{"regmigrate-run-start"};
};

TEST_F(RunStartTest, EachRegistryIsAskedForTheApiOnce) {
    FaultProxyProcess far_source(FAULTPROXY_BINARY, source_.host(), {}, {"--log-requests"});
    FaultProxyProcess far_destination(FAULTPROXY_BINARY, destination_.host(), {},
                                      {"--log-requests"});
    SyncCli cli(REGMIGRATE_BINARY);
    const auto run = cli.run("sync", far_source.host(), far_destination.host(), plain_http());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    // API detection and preflight share the source's request; the destination's is its own.
    EXPECT_EQ(count_of(far_source.output(), kV2Answered), 1u) << far_source.output();
    EXPECT_EQ(count_of(far_destination.output(), kV2Answered), 1u) << far_destination.output();
    EXPECT_EQ(images_at_destination(), 2u);
}

TEST_F(RunStartTest, TheDestinationIsPreflightedWhileTheSourceIsStillAnswering) {
    FaultProxyProcess far_source(FAULTPROXY_BINARY, source_.host(),
                                 {"stall stall-ms=10000 path=^/v2/$ limit=1"}, {"--log-requests"});
    FaultProxyProcess far_destination(FAULTPROXY_BINARY, destination_.host(), {},
                                      {"--log-requests"});
    auto run = start_sync(far_source.host(), far_destination.host());
    EXPECT_TRUE(logged_soon(far_destination, kV2Answered)) << far_destination.output();
    EXPECT_EQ(far_source.output().find(kV2Answered), std::string::npos) << far_source.output();
    EXPECT_EQ(run->wait_for(60s), 0);
}

TEST_F(RunStartTest, TheSourceIsListedWhileTheDestinationCatalogIsRead) {
    FaultProxyProcess far_source(FAULTPROXY_BINARY, source_.host(), {}, {"--log-requests"});
    FaultProxyProcess far_destination(FAULTPROXY_BINARY, destination_.host(),
                                      {"stall stall-ms=10000 path=_catalog limit=1"},
                                      {"--log-requests"});
    auto run = start_sync(far_source.host(), far_destination.host());
    EXPECT_TRUE(logged_soon(far_source, kTagsAnswered)) << far_source.output();
    EXPECT_EQ(far_destination.output().find(kCatalogAnswered), std::string::npos)
        << far_destination.output();
    // No image starts before the catalog says which repositories are new.
    EXPECT_EQ(count_of(far_destination.output(), "/blobs/"), 0u) << far_destination.output();
    EXPECT_EQ(run->wait_for(60s), 0);
    EXPECT_EQ(images_at_destination(), 2u);
}

}  // namespace
}  // namespace regmigrate::testing
