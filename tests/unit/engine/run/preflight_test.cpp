#include "engine/run/preflight.hpp"

#include "registry/distribution/registry_error.hpp"

#include <gtest/gtest.h>

#include <boost/regex.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace regmigrate::engine {
namespace {

PreflightTarget destination(const std::string& host, const std::string& user = "alice") {
    PreflightTarget target;
    target.role = PreflightRole::destination;
    target.side.host = host;
    target.side.credentials.username = user;
    target.side.credentials.password = "s3cret-password";
    target.push_repository = "team/app";
    return target;
}

std::string describe(const PreflightTarget& target, const Error& error, bool push = false) {
    return describe_preflight_failure(target, error, push, "/etc/docker/certs.d");
}

TEST(PreflightFailure, RefusedCredentialsNameSideHostUserAndTheRegistrysWords) {
    const auto error = registry::error_from_response(
        401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
        "registry.example /v2/");
    EXPECT_EQ(describe(destination("registry.example"), error),
              "destination registry.example: credentials for alice refused (/v2/: HTTP 401: "
              "UNAUTHORIZED: authentication required)");
}

TEST(PreflightFailure, NeverContainsTheSecret) {
    const auto error = registry::error_from_response(401, "", "registry.example /v2/");
    EXPECT_EQ(describe(destination("registry.example"), error).find("s3cret"), std::string::npos);
}

TEST(PreflightFailure, AnonymousRefusalSaysCredentialsAreNeeded) {
    const auto error = make_error(ErrorKind::unauthorized,
                                  "registry.example requires a user and password (basic auth)");
    EXPECT_EQ(describe(destination("registry.example", ""), error),
              "destination registry.example: anonymous access refused, credentials needed "
              "(requires a user and password (basic auth))");
}

TEST(PreflightFailure, UntrustedCertificateGivesTheVerifyResultAndWhereTheCaGoes) {
    const auto error = make_error(
        ErrorKind::tls,
        "TLS handshake with registry.example:5000: TLS error: certificate verify failed (SSL "
        "routines); verify result: unable to get local issuer certificate");
    EXPECT_EQ(describe(destination("registry.example:5000"), error),
              "destination registry.example:5000: certificate of registry.example:5000 is not "
              "trusted: unable to get local issuer certificate — add its CA under "
              "/etc/docker/certs.d/registry.example:5000/ca.crt or use --certs-dir");
}

TEST(PreflightFailure, RefusedConnection) {
    const auto error =
        make_error(ErrorKind::network, "connecting to 127.0.0.1:5000: Connection refused");
    EXPECT_EQ(describe(destination("127.0.0.1:5000"), error),
              "destination 127.0.0.1:5000: connection refused (connecting to 127.0.0.1:5000: "
              "Connection refused)");
}

TEST(PreflightFailure, DeniedPushNamesTheRepositoryAndTheUser) {
    const auto error = make_error(
        ErrorKind::denied,
        "registry.example: access denied: the credentials lack repository:team/app:pull,push", 401);
    EXPECT_EQ(describe(destination("registry.example", "viewer"), error, true),
              "destination registry.example: no push permission on team/app for viewer (access "
              "denied: the credentials lack repository:team/app:pull,push)");
}

TEST(PreflightFailure, OtherPushFailureSaysThePushFailed) {
    const auto error = registry::error_from_response(
        405, R"({"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]})",
        "starting upload to registry.example/team/app");
    EXPECT_EQ(describe(destination("registry.example"), error, true),
              "destination registry.example: cannot push to team/app (starting upload to "
              "registry.example/team/app: HTTP 405: UNSUPPORTED: The operation is unsupported.)");
}

TEST(PreflightFailure, SourceIsNamedSource) {
    PreflightTarget source;
    source.side.host = "src.example";
    const auto error =
        make_error(ErrorKind::network, "resolving src.example:443: Host not found (authoritative)");
    EXPECT_EQ(describe(source, error),
              "source src.example: host name does not resolve (resolving src.example:443: Host "
              "not found (authoritative))");
}

SyncPair pair(const std::string& from, const std::string& to) {
    SyncPair result;
    result.source.host = from;
    result.destination.host = to;
    return result;
}

TEST(PreflightTargets, EachRegistryOncePerRole) {
    SyncPlan plan;
    plan.pairs = {pair("a.example", "b.example"), pair("a.example", "c.example"),
                  pair("b.example", "c.example")};
    const auto targets = preflight_targets(plan, true, true);
    std::vector<std::string> seen;
    for (const auto& target : targets)
        seen.push_back(describe_target(target));
    EXPECT_EQ(seen, (std::vector<std::string>{"source a.example", "destination b.example",
                                              "destination c.example", "source b.example"}));
}

TEST(PreflightTargets, PushIsProvenOnTheFirstExplicitRepositoryUnderItsDestinationName) {
    SyncPlan plan;
    plan.pairs = {pair("a.example", "b.example")};
    plan.pairs[0].repositories = {"team/app", "team/db"};
    plan.pairs[0].prefix = "mirror";
    const auto targets = preflight_targets(plan, true, true);
    ASSERT_EQ(targets.size(), 2u);
    EXPECT_EQ(targets[1].push_repository, "mirror/team/app");
}

TEST(PreflightTargets, NoPushProofWithoutAKnownRepositoryOrWhenNothingIsWritten) {
    SyncPlan plan;
    plan.pairs = {pair("a.example", "b.example")};
    plan.pairs[0].repository_patterns.push_back(boost::regex("team/.*"));
    EXPECT_EQ(preflight_targets(plan, true, true)[1].push_repository, "");
    plan.pairs[0].repositories = {"team/app"};
    EXPECT_EQ(preflight_targets(plan, false, true)[1].push_repository, "");
}

TEST(PreflightTargets, RegistrySourcesButDockerHubFindTheirApi) {
    SyncPlan plan;
    plan.pairs = {pair("old.example", "b.example"), pair("docker.io", "b.example"),
                  pair("oci:/srv/images", "b.example")};
    const auto targets = preflight_targets(plan, true, true);
    ASSERT_EQ(targets.size(), 4u);
    EXPECT_TRUE(targets[0].detect_api);
    EXPECT_FALSE(targets[1].detect_api);  // the destination
    EXPECT_FALSE(targets[2].detect_api);  // Docker Hub speaks v2
    EXPECT_FALSE(targets[3].detect_api);  // a layout
}

TEST(PreflightTargets, TheApiFoundForASourceIsLookedUpByItsHost) {
    SyncPlan plan;
    plan.pairs = {pair("old.example", "b.example"), pair("new.example", "b.example")};
    const auto targets = preflight_targets(plan, true, true);
    const TargetApis apis{RegistryApi::v1, std::nullopt, RegistryApi::v2};
    EXPECT_TRUE(source_speaks_v1(targets, apis, "old.example"));
    EXPECT_FALSE(source_speaks_v1(targets, apis, "new.example"));
    EXPECT_FALSE(source_speaks_v1(targets, apis, "b.example"));  // a destination only
    EXPECT_FALSE(source_speaks_v1(targets, {}, "old.example"));  // nothing found
}

TEST(PreflightTargets, EcrDestinationNotLoggedInIsOnlyReached) {
    SyncPlan plan;
    plan.pairs = {pair("a.example", "123456789012.dkr.ecr.eu-west-1.amazonaws.com")};
    EXPECT_FALSE(preflight_targets(plan, true, false)[1].authorize);
    EXPECT_TRUE(preflight_targets(plan, true, true)[1].authorize);
    plan.pairs[0].destination.host = "b.example";
    EXPECT_TRUE(preflight_targets(plan, true, false)[1].authorize);
}

TEST(PreflightTargets, LayoutSidesAreDirectories) {
    SyncPlan plan;
    plan.pairs = {pair("a.example", "oci:/srv/images")};
    const auto targets = preflight_targets(plan, true, true);
    EXPECT_FALSE(targets[0].layout);
    ASSERT_TRUE(targets[1].layout);
    EXPECT_EQ(*targets[1].layout, "/srv/images");
}

TEST(PreflightTargets, CopyProvesPushOnItsDestinationRepository) {
    CopyJob job;
    job.source_side.host = "a.example";
    job.destination_side.host = "b.example";
    job.destination.repository = "mirror/app";
    const auto targets = preflight_targets(job);
    ASSERT_EQ(targets.size(), 2u);
    EXPECT_EQ(describe_target(targets[0]), "source a.example");
    EXPECT_EQ(targets[1].push_repository, "mirror/app");
}

class LayoutDirectoryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/preflight-layout-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
        std::filesystem::remove_all(dir_);
    }
    std::filesystem::path dir_;
};

TEST_F(LayoutDirectoryTest, ExistingDirectoryIsAUsableSource) {
    EXPECT_TRUE(check_layout_directory(dir_, PreflightRole::source));
}

TEST_F(LayoutDirectoryTest, MissingSourceIsRefused) {
    EXPECT_FALSE(check_layout_directory(dir_ / "absent", PreflightRole::source));
}

TEST_F(LayoutDirectoryTest, FileIsNoSource) {
    std::ofstream(dir_ / "file") << "x";
    EXPECT_FALSE(check_layout_directory(dir_ / "file", PreflightRole::source));
}

TEST_F(LayoutDirectoryTest, MissingDestinationUnderAWritableParentIsUsable) {
    EXPECT_TRUE(check_layout_directory(dir_ / "new" / "deeper", PreflightRole::destination));
}

TEST_F(LayoutDirectoryTest, DestinationUnderAReadOnlyParentIsRefused) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "root writes into read-only directories";
    std::filesystem::permissions(
        dir_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    const auto checked = check_layout_directory(dir_ / "new", PreflightRole::destination);
    ASSERT_FALSE(checked);
    EXPECT_NE(checked.error().message.find("not writable"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
