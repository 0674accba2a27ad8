// docker-credential-NAME helpers as small shell scripts in a temp dir put first on PATH.
#include "registry/auth/credential_helper.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace regmigrate::registry {
namespace {

namespace fs = std::filesystem;

constexpr const char* hub_url = "https://index.docker.io/v1/";

// ---- output parsing ----

TEST(CredentialHelperOutput, UsernameAndSecretAreUserAndPassword) {
    const auto credentials = parse_credential_helper_output(
        R"({"ServerURL": "r.example", "Username": "alice", "Secret": "pw"})",
        "docker-credential-x");
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(*credentials, (Credentials{"alice", "pw", ""}));
}

TEST(CredentialHelperOutput, TokenUsernameMakesTheSecretAnIdentityToken) {
    const auto credentials = parse_credential_helper_output(
        R"({"ServerURL": "r.example", "Username": "<token>", "Secret": "refresh"})", "h");
    ASSERT_TRUE(credentials) << credentials.error().message;
    EXPECT_EQ(*credentials, (Credentials{"", "", "refresh"}));
}

TEST(CredentialHelperOutput, MissingSecretIsAnErrorNamingTheHelperNotTheOutput) {
    const auto credentials =
        parse_credential_helper_output(R"({"Username": "alice-7731"})", "docker-credential-x");
    ASSERT_FALSE(credentials);
    EXPECT_NE(credentials.error().message.find("docker-credential-x"), std::string::npos);
    EXPECT_EQ(credentials.error().message.find("alice-7731"), std::string::npos);
}

TEST(CredentialHelperOutput, NonJsonIsAnError) {
    EXPECT_FALSE(parse_credential_helper_output("user=alice", "h"));
}

// ---- the helper's environment ----

TEST(CredentialHelperEnvironment, KeepsPathHomeLocaleAndProfilesNotSecrets) {
    const std::vector<std::string> parent = {
        "PATH=/usr/bin",          "HOME=/home/ci",
        "LC_ALL=C.UTF-8",         "AWS_PROFILE=prod",
        "AWS_ACCESS_KEY_ID=AKIA", "AWS_SECRET_ACCESS_KEY=secret",
        "AWS_SESSION_TOKEN=tok",  "REGMIGRATE_SRC_CREDS=a:b",
        "OLD_PASSWORD=pw",        "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1/bus"};
    EXPECT_EQ(credential_helper_environment(parent),
              (std::vector<std::string>{"PATH=/usr/bin", "HOME=/home/ci", "LC_ALL=C.UTF-8",
                                        "AWS_PROFILE=prod",
                                        "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1/bus"}));
}

TEST(CredentialHelperEnvironment, NameMustMatchWholly) {
    EXPECT_TRUE(credential_helper_environment({"PATHS=x", "HOMEX=y", "XPATH=z", "PATH"}).empty());
}

// ---- running helpers ----

class CredentialHelperRun : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        bin_ = fs::temp_directory_path() / ("regmigrate-helpers-" + std::string(info->name()) +
                                            "-" + std::to_string(::getpid()));
        fs::create_directories(bin_);
        const char* path = std::getenv("PATH");
        saved_path_ = path ? path : "";
        ::setenv("PATH", (bin_.string() + ":" + saved_path_).c_str(), 1);
    }
    void TearDown() override {
        ::setenv("PATH", saved_path_.c_str(), 1);
        fs::remove_all(bin_);
    }

    // docker-credential-NAME running `body` under /bin/sh.
    void helper(const std::string& name, const std::string& body) {
        const auto file = bin_ / ("docker-credential-" + name);
        std::ofstream(file) << "#!/bin/sh\n" << body << "\n";
        fs::permissions(file, fs::perms::owner_all);
    }

    fs::path bin_;
    std::string saved_path_;
};

TEST_F(CredentialHelperRun, GetIsAskedWithTheServerUrlOnStdin) {
    helper("store", R"([ "$1" = get ] || exit 3
read url
[ "$url" = "https://index.docker.io/v1/" ] || exit 4
echo '{"ServerURL":"https://index.docker.io/v1/","Username":"alice","Secret":"pw"}')");
    const auto found = get_from_credential_helper("store", hub_url);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(*found);
    EXPECT_EQ(**found, (Credentials{"alice", "pw", ""}));
}

TEST_F(CredentialHelperRun, NotFoundMeansNoCredentials) {
    helper("store", "echo 'credentials not found in native keychain'\nexit 1");
    const auto found = get_from_credential_helper("store", "r.example");
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_FALSE(*found);
}

TEST_F(CredentialHelperRun, HelperExitingWithoutReadingStdinMeansNoCredentials) {
    helper("store", "exit 1");
    const auto found = get_from_credential_helper("store", "r.example");
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_FALSE(*found);
}

TEST_F(CredentialHelperRun, HelperMissingFromPathIsAnErrorNamingIt) {
    const auto found = get_from_credential_helper("nowhere-4411", "r.example");
    ASSERT_FALSE(found);
    EXPECT_NE(found.error().message.find("docker-credential-nowhere-4411"), std::string::npos);
}

TEST_F(CredentialHelperRun, HelperNameWithASlashIsRefused) {
    const auto found = get_from_credential_helper("../../bin/sh", "r.example");
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().kind, ErrorKind::invalid_argument);
}

TEST_F(CredentialHelperRun, HelperThatHangsIsKilledAtTheTimeout) {
    helper("slow", "exec sleep 30");
    const auto started = std::chrono::steady_clock::now();
    CredentialHelperLimits limits;
    limits.timeout = std::chrono::milliseconds(200);
    const auto found = get_from_credential_helper("slow", "r.example", limits);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().kind, ErrorKind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(CredentialHelperRun, OutputOverTheLimitIsRefused) {
    helper("chatty", "head -c 200000 /dev/zero | tr '\\0' a");
    CredentialHelperLimits limits;
    limits.max_output = 64 * 1024;
    const auto found = get_from_credential_helper("chatty", "r.example", limits);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().kind, ErrorKind::too_large);
}

TEST_F(CredentialHelperRun, ErrorForBadOutputDoesNotQuoteIt) {
    helper("broken", "echo 'Secret-8812 but not json'");
    const auto found = get_from_credential_helper("broken", "r.example");
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message.find("Secret-8812"), std::string::npos);
}

TEST_F(CredentialHelperRun, HelperSeesNoAwsSecretsOrRunCredentials) {
    const auto dump = bin_ / "environment.txt";
    helper("store", "env > '" + dump.string() + "'\nexit 1");
    ::setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret", 1);
    ::setenv("AWS_SESSION_TOKEN", "session-token-secret", 1);
    ::setenv("REGMIGRATE_DEST_CREDS", "ci:dest-secret", 1);
    const auto found = get_from_credential_helper("store", "r.example");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    ::unsetenv("AWS_SESSION_TOKEN");
    ::unsetenv("REGMIGRATE_DEST_CREDS");
    ASSERT_TRUE(found) << found.error().message;
    std::ifstream in(dump);
    const std::string seen((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(seen.find("PATH=" + bin_.string()), std::string::npos) << seen;
    EXPECT_EQ(seen.find("wJalrXUtnFEMI-secret"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("session-token-secret"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("ci:dest-secret"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("REGMIGRATE_DEST_CREDS"), std::string::npos) << seen;
}

}  // namespace
}  // namespace regmigrate::registry
