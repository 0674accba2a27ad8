#include "engine/plan/certs_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;
using transport::TlsMode;
using transport::TlsOptions;

constexpr const char* host = "registry.example:5000";

// A certs.d root per test; files hold placeholder text because apply_certs_dir only looks
// at names (make_tls_context reads and validates the PEM later).
class CertsDir : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        root_ = fs::temp_directory_path() / ("regmigrate-certs-" + std::string(info->name()) + "-" +
                                             std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_ / host);
    }
    void TearDown() override { fs::remove_all(root_); }

    fs::path add(const std::string& name) {
        const auto path = root_ / host / name;
        std::ofstream(path) << "placeholder\n";
        return path;
    }
    TlsOptions applied(TlsOptions options = {}) {
        auto result = apply_certs_dir(std::move(options), root_.string(), host);
        EXPECT_TRUE(result) << (result ? "" : result.error().message);
        return result ? *result : TlsOptions{};
    }

    fs::path root_;
};

TEST_F(CertsDir, MissingHostDirectoryLeavesOptionsUnchanged) {
    const TlsOptions given{TlsMode::insecure, "/ca.pem", "/cas", "/client.pem", "/client.key"};
    auto result = apply_certs_dir(given, root_.string(), "unknown.example");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->mode, TlsMode::insecure);
    EXPECT_EQ(result->ca_file, "/ca.pem");
    EXPECT_EQ(result->ca_dir, "/cas");
    EXPECT_EQ(result->client_cert, "/client.pem");
    EXPECT_EQ(result->client_key, "/client.key");
}

TEST_F(CertsDir, MissingCertsRootIsNotAnError) {
    auto result = apply_certs_dir({}, (root_ / "absent").string(), host);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->ca_dir.empty());
    EXPECT_TRUE(result->client_cert.empty());
}

TEST_F(CertsDir, CrtFileMakesTheHostDirectoryTheCaDirectory) {
    add("ca.crt");
    EXPECT_EQ(fs::path(applied().ca_dir), root_ / host);
}

TEST_F(CertsDir, DirectoryWithoutCrtFilesAddsNoCaDirectory) {
    add("README");
    EXPECT_TRUE(applied().ca_dir.empty());
}

TEST_F(CertsDir, CertWithMatchingKeyBecomesTheClientCertificate) {
    const auto cert = add("client.cert");
    const auto key = add("client.key");
    const auto options = applied();
    EXPECT_EQ(fs::path(options.client_cert), cert);
    EXPECT_EQ(fs::path(options.client_key), key);
}

TEST_F(CertsDir, CertWithoutKeyIsAnErrorNamingTheFile) {
    add("client.cert");
    auto result = apply_certs_dir({}, root_.string(), host);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(result.error().message.find("client.cert"), std::string::npos)
        << result.error().message;
    EXPECT_NE(result.error().message.find("client.key"), std::string::npos)
        << result.error().message;
}

TEST_F(CertsDir, KeyOfAnotherNameDoesNotPairWithTheCert) {
    add("client.cert");
    add("other.key");
    EXPECT_FALSE(apply_certs_dir({}, root_.string(), host));
}

TEST_F(CertsDir, ExplicitCaDirectoryKeepsPrecedence) {
    add("ca.crt");
    TlsOptions given;
    given.ca_dir = "/explicit/cas";
    EXPECT_EQ(applied(given).ca_dir, "/explicit/cas");
}

TEST_F(CertsDir, ExplicitClientCertificateKeepsPrecedence) {
    add("client.cert");
    add("client.key");
    TlsOptions given;
    given.client_cert = "/explicit/client.pem";
    given.client_key = "/explicit/client.key";
    const auto options = applied(given);
    EXPECT_EQ(options.client_cert, "/explicit/client.pem");
    EXPECT_EQ(options.client_key, "/explicit/client.key");
}

TEST_F(CertsDir, ExplicitCaFileIsKeptAlongsideTheCaDirectory) {
    add("ca.crt");
    TlsOptions given;
    given.ca_file = "/explicit/ca.pem";
    const auto options = applied(given);
    EXPECT_EQ(options.ca_file, "/explicit/ca.pem");
    EXPECT_EQ(fs::path(options.ca_dir), root_ / host);
}

TEST_F(CertsDir, TlsModeIsKept) {
    add("ca.crt");
    TlsOptions given;
    given.mode = TlsMode::insecure;
    EXPECT_EQ(applied(given).mode, TlsMode::insecure);
}

}  // namespace
}  // namespace regmigrate::engine
