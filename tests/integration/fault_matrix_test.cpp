// The fault matrix: each fault class faultproxy can inject, between regmigrate and a real
// registry, on the first attempts only. `sync --error-action retry` must still finish
// (exit 0) with a destination that verify accepts and whose blobs are byte-identical to
// the source's, and regmigrate_retries_total must show the retries it took.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/sample_images.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace regmigrate::testing {
namespace {

enum class ProxiedSide { source, destination };

struct FaultCase {
    std::string name;
    std::vector<std::string> rules;
    ProxiedSide side = ProxiedSide::source;
    // Faults the client absorbs without an error of its own (a slow answer, a closed idle
    // connection) need no retry to be counted.
    bool counts_retries = true;
};

std::ostream& operator<<(std::ostream& out, const FaultCase& fault) {
    return out << fault.name;
}

// Every committed blob of a registry's storage: digest hex → content.
std::map<std::string, std::string> stored_blobs(const std::filesystem::path& storage) {
    std::map<std::string, std::string> blobs;
    const auto root = storage / "docker/registry/v2/blobs/sha256";
    if (!std::filesystem::exists(root))
        return blobs;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.path().filename() == "data") {
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream content;
            content << in.rdbuf();
            blobs[entry.path().parent_path().filename().string()] = content.str();
        }
    }
    return blobs;
}

class FaultMatrixTest : public ::testing::TestWithParam<FaultCase> {
  protected:
    void SetUp() override {
        // A single-platform docker image, a two-platform OCI index, and a second
        // repository sharing the base layers: blobs, mounts, indexes and listings all flow.
        push_image(source_.host(), sample_image("team/app", "v1", fleet::ManifestFormat::docker));
        push_image(source_.host(),
                   sample_image("team/app", "v2", fleet::ManifestFormat::oci, 2, 2));
        push_image(source_.host(),
                   sample_image("tools/cli", "v1", fleet::ManifestFormat::docker, 1, 3));
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
};

TEST_P(FaultMatrixTest, RetrySyncEndsWithAVerifiedByteIdenticalDestination) {
    const FaultCase& fault = GetParam();
    const bool source_proxied = fault.side == ProxiedSide::source;
    FaultProxyProcess proxy(FAULTPROXY_BINARY,
                            source_proxied ? source_.host() : destination_.host(), fault.rules);
    const std::string from = source_proxied ? proxy.host() : source_.host();
    const std::string to = source_proxied ? destination_.host() : proxy.host();

    const auto run =
        cli_.run("sync", from, to, with(plain_http(), {"--error-action", "retry", "--jobs", "4"}));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << "\n" << proxy.output();
    EXPECT_GT(proxy.injected(), 0u) << "the rule never fired: " << proxy.output();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    if (fault.counts_retries) {
        EXPECT_GT(run.metrics->sum("regmigrate_retries_total"), 0) << run.cli.describe();
    }

    const auto check = cli_.run("verify", source_.host(), destination_.host(), plain_http());
    EXPECT_EQ(check.cli.exit_code, 0) << check.cli.describe();
    const auto expected = stored_blobs(source_.storage_dir());
    ASSERT_FALSE(expected.empty());
    EXPECT_TRUE(stored_blobs(destination_.storage_dir()) == expected)
        << "the destination's blobs differ from the source's";
}

const std::string kBlobGet = "method=GET path=/blobs/sha256:";

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultMatrixTest,
    ::testing::Values(
        FaultCase{"ServiceUnavailableOnBlobs", {"503 " + kBlobGet + " every=2 limit=3"}},
        FaultCase{"BadGatewayOnManifests", {"502 path=/manifests/ every=2 limit=3"}},
        FaultCase{"GatewayTimeoutOnListings", {"504 path=/tags/list limit=2"}},
        // 500 is not retried per request: the image is tried again as a whole.
        FaultCase{"InternalErrorOnABlob", {"500 " + kBlobGet + " limit=1"}},
        // The registry client's rate-limit gate waits out a 429 (pausing the host for its
        // Retry-After) and counts the resend once, against the request and the run budget.
        FaultCase{"TooManyRequestsWithRetryAfterSeconds",
                  {"429 retry-after=1 path=/manifests/ limit=2"},
                  ProxiedSide::source,
                  false},
        FaultCase{"UnavailableWithRetryAfterDate",
                  {"503 retry-after-date=1 path=/v2/$ limit=1",
                   "503 retry-after-date=1 path=/tags/ limit=1"}},
        FaultCase{"ResetMidBlobBody", {"reset " + kBlobGet + " every=2 limit=3"}},
        FaultCase{"ResetMidManifestBody", {"reset method=GET path=/manifests/ every=2 limit=2"}},
        FaultCase{"TruncatedBlobBody", {"truncate " + kBlobGet + " every=2 limit=3"}},
        FaultCase{"FlippedByteInBlobBody", {"flip " + kBlobGet + " every=2 limit=3"}},
        FaultCase{"StalledAnswers",
                  {"stall stall-ms=300 path=/manifests/ limit=3"},
                  ProxiedSide::source,
                  false},
        FaultCase{
            "DroppedKeepAliveConnections", {"drop every=3 limit=5"}, ProxiedSide::source, false},
        FaultCase{"DestinationFailsUploadsAndManifestPushes",
                  {"reset method=PUT path=/blobs/uploads/ limit=2",
                   "503 method=POST path=/blobs/uploads/ limit=2",
                   "503 method=PUT path=/manifests/ limit=2"},
                  ProxiedSide::destination}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

// A PATCH the proxy refuses never reaches the registry, so the upload session is intact:
// the next attempt asks for its Range and continues from there instead of starting over.
TEST_F(FaultMatrixTest, FailedChunkContinuesFromTheUploadsReportedRange) {
    FaultProxyProcess proxy(FAULTPROXY_BINARY, destination_.host(),
                            {"502 method=PATCH every=3 limit=3"});
    std::string yaml = "registries:\n";
    yaml += "  src: { host: " + source_.host() + ", tls: disabled }\n";
    yaml += "  dst: { host: " + proxy.host() + ", tls: disabled, chunk_size: 2048 }\n";
    yaml += "sync:\n  - { from: src, to: dst }\n";
    const auto plan = cli_.write_file("chunked.yaml", yaml);
    const auto run = cli_.run_plan("sync", plan, {"--error-action", "retry"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe() << "\n" << proxy.output();
    EXPECT_EQ(proxy.injected(), 3u) << proxy.output();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_EQ(run.metrics->sum("regmigrate_retries_total", {{"reason", "http_502"}}), 3);
    EXPECT_EQ(run.cli.err.find("cannot be resumed"), std::string::npos) << run.cli.describe();

    const auto check = cli_.run("verify", source_.host(), destination_.host(), plain_http());
    EXPECT_EQ(check.cli.exit_code, 0) << check.cli.describe();
    EXPECT_TRUE(stored_blobs(destination_.storage_dir()) == stored_blobs(source_.storage_dir()));
}

}  // namespace
}  // namespace regmigrate::testing
