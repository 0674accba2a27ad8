// `regmigrate copy` from registries serving TLS with a test CA: verification against a CA
// found in the --certs-dir, refusal without it, --src-tls insecure, client certificates
// (NAME.cert + NAME.key) for registries that demand them, and session resumption.
#include "tests/support/prometheus_text.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

class CopyTlsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    static RegistryOptions tls() {
        RegistryOptions options;
        options.tls = RegistryTls{pki_->server().cert, pki_->server().key, {}, std::nullopt};
        return options;
    }
    static RegistryOptions mutual_tls() {
        RegistryOptions options = tls();
        options.tls->client_cas = {pki_->ca().cert};
        options.tls->probe_client = pki_->client();
        return options;
    }

    // The image is pushed while the source is plain; then it serves the same storage over
    // TLS with these options.
    void serve_source_over(RegistryOptions options) {
        pushed_ = push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
        source_.restart(std::move(options));
    }

    void trust_test_ca_for(const RegistryProcess& registry) {
        std::filesystem::copy_file(pki_->ca().cert,
                                   cli_.host_certs_dir(registry.host()) / "test-ca.crt");
    }

    CopyOutcome copy(const std::string& source_tls) {
        return cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                         {"--src-tls", source_tls, "--dest-tls", "disabled"});
    }

    std::string copied_digest() { return served_digest(destination_.host(), "mirror/app", "v1"); }

    static std::unique_ptr<TestPki> pki_;
    RegistryProcess source_;
    RegistryProcess destination_;
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    fleet::TaggedImage pushed_;
};
std::unique_ptr<TestPki> CopyTlsTest::pki_;

bool mentions_tls(const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("tls") != std::string::npos || lower.find("certificate") != std::string::npos;
}

TEST_F(CopyTlsTest, CaFromTheCertsDirVerifiesTheSource) {
    serve_source_over(tls());
    trust_test_ca_for(source_);
    const auto run = copy("enabled");
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(CopyTlsTest, UnknownCaFailsVerificationWithATlsMessage) {
    serve_source_over(tls());
    const auto run = copy("enabled");
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_TRUE(mentions_tls(run.cli.err)) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("unable to get local issuer certificate"), std::string::npos)
        << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(CopyTlsTest, InsecureModeCopiesWithoutTheCa) {
    serve_source_over(tls());
    const auto run = copy("insecure");
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

TEST_F(CopyTlsTest, RegistryRequiringClientCertificatesRefusesWithoutOne) {
    serve_source_over(mutual_tls());
    trust_test_ca_for(source_);
    const auto run = copy("enabled");
    EXPECT_EQ(run.cli.exit_code, 2) << run.cli.describe();
    EXPECT_EQ(copied_digest(), "");
}

TEST_F(CopyTlsTest, ClientCertificateFromTheCertsDirIsPresented) {
    serve_source_over(mutual_tls());
    trust_test_ca_for(source_);
    const auto dir = cli_.host_certs_dir(source_.host());
    std::filesystem::copy_file(pki_->client().cert, dir / "client.cert");
    std::filesystem::copy_file(pki_->client().key, dir / "client.key");
    const auto run = copy("enabled");
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

// The image's blobs go over several connections at once; those opened after the first
// handshake resume its session (docker-registry, Go, issues TLS 1.3 tickets).
TEST_F(CopyTlsTest, LaterConnectionsToTheSourceResumeItsTlsSession) {
    serve_source_over(tls());
    trust_test_ca_for(source_);
    TempDir dir;
    const auto metrics_file = dir.path() / "metrics.prom";
    const auto run =
        cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                  {"--src-tls", "enabled", "--dest-tls", "disabled", "--metrics-file",
                   metrics_file.string()});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(copied_digest(), pushed_.digest);
    const auto metrics = read_metrics_file(metrics_file);
    ASSERT_TRUE(metrics) << metrics.error().message;
    const double full = metrics->sum("regmigrate_tls_handshakes_total", {{"kind", "full"}});
    const double resumed = metrics->sum("regmigrate_tls_handshakes_total", {{"kind", "resumed"}});
    EXPECT_GE(full, 1);
    EXPECT_GT(resumed, 0);
    EXPECT_EQ(full + resumed,
              metrics->sum("regmigrate_connections_opened_total", {{"scheme", "https"}}));
}

TEST_F(CopyTlsTest, DestinationOverTlsIsVerifiedWithItsOwnCertsDir) {
    pushed_ = push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
    destination_.restart(tls());
    trust_test_ca_for(destination_);
    const auto run =
        cli_.copy(source_.host() + "/team/app:v1", destination_.host() + "/mirror/app:v1",
                  {"--src-tls", "disabled", "--dest-tls", "enabled"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    destination_.restart(RegistryOptions{});
    EXPECT_EQ(copied_digest(), pushed_.digest);
}

}  // namespace
}  // namespace regmigrate::testing
