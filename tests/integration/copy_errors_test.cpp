// What `regmigrate copy` does with bad input and failing sources: usage errors exit 2
// before any traffic, an unreachable registry exits 2 from the preflight with one clear
// line, run failures exit 1, and a failed image leaves nothing tagged at the destination.
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"

#include <gtest/gtest.h>

namespace regmigrate::testing {
namespace {

// A loopback address nothing listens on: usage errors must be caught before connecting,
// and connecting must fail fast.
std::string closed_host() {
    return "127.0.0.1:" + std::to_string(free_loopback_port());
}

class CopyMalformedReferenceTest : public ::testing::TestWithParam<std::string> {
  protected:
    RegmigrateCli cli_{REGMIGRATE_BINARY};
};

TEST_P(CopyMalformedReferenceTest, ExitsWithUsageErrorNamingTheReference) {
    const std::string source = closed_host() + GetParam();
    const auto run = cli_.copy(source, closed_host() + "/mirror/app:v1", plain_http());
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const auto lines = run.cli.error_lines();
    ASSERT_EQ(lines.size(), 1u) << run.cli.describe();
    EXPECT_NE(lines.front().find(source), std::string::npos) << lines.front();
}

std::string malformed_case_name(const ::testing::TestParamInfo<std::string>& info) {
    static const char* const names[] = {"UppercaseRepository", "DotDotRepository",
                                        "TruncatedDigest"};
    return names[info.index];
}

INSTANTIATE_TEST_SUITE_P(Copy, CopyMalformedReferenceTest,
                         ::testing::Values("/Team/App:v1",              // uppercase repository
                                           "/../x:v1",                  // path traversal
                                           "/team/app@sha256:abc123"),  // short digest
                         malformed_case_name);

TEST(CopyUsageTest, InvalidTlsModeIsAUsageError) {
    RegmigrateCli cli(REGMIGRATE_BINARY);
    const auto run = cli.copy(closed_host() + "/team/app:v1", closed_host() + "/mirror/app:v1",
                              {"--src-tls", "sometimes"});
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("sometimes"), std::string::npos) << run.cli.describe();
}

TEST(CopyUnreachableTest, ClosedPortFailsThePreflightWithOneClearLine) {
    RegmigrateCli cli(REGMIGRATE_BINARY);
    const std::string source = closed_host();
    const auto run =
        cli.copy(source + "/team/app:v1", closed_host() + "/mirror/app:v1", plain_http());
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    const auto lines = run.cli.error_lines();
    ASSERT_EQ(lines.size(), 1u) << run.cli.describe();
    EXPECT_NE(lines.front().find("source " + source + ": connection refused"), std::string::npos)
        << lines.front();
}

TEST(CopyMissingTagTest, MissingSourceTagFailsAndTagsNothingAtTheDestination) {
    RegistryProcess source;
    RegistryProcess destination;
    push_image(source.host(), sample_image("team/app", "v1", fleet::ManifestFormat::docker));
    RegmigrateCli cli(REGMIGRATE_BINARY);
    const auto run = cli.copy(source.host() + "/team/app:no-such-tag",
                              destination.host() + "/mirror/app:no-such-tag", plain_http());
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    ASSERT_EQ(run.report->images.size(), 1u);
    EXPECT_EQ(run.report->images.front().status, "failed");
    EXPECT_FALSE(run.report->images.front().error.empty());
    const auto tags = fleet::RegistryWriter({destination.host()}).list_tags("mirror/app");
    if (tags) {
        EXPECT_TRUE(tags->empty());
    } else {
        EXPECT_EQ(tags.error().kind, ErrorKind::not_found);
    }
}

}  // namespace
}  // namespace regmigrate::testing
