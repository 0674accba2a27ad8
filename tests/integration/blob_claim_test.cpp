// claim_blob against a real docker-registry: what the run's BlobLedger answers for a blob
// becomes nothing (present), a cross-repository mount, a HEAD in a repository older than
// the run, or ownership of the upload. The
// refused mount is made real: docker-registry answers a mount from a repository that does
// not hold the blob with 202 and an upload session, as registries that do not mount do.
#include "engine/copy/blob_transfer.hpp"
#include "registry/content/sha256.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/run_coro.hpp"
#include "tools/fleet/registry_writer.hpp"
#include "transport/http/memory_body_source.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;
using engine::BlobLedger;

const std::string kBlob = "layer bytes for the claim test\n";

class BlobClaimTest : public ::testing::Test {
  protected:
    // Counts every response (or failed attempt) the client sees into requests_.
    std::shared_ptr<transport::HttpClient> counting_client() {
        transport::ClientOptions options;
        options.tls.mode = transport::TlsMode::disabled;
        options.on_response = [this](transport::http::verb, int) { ++requests_; };
        return transport::HttpClient::create(io_.get_executor(), options).value();
    }

    // fresh: the repository did not exist when the run began, so no HEAD is needed.
    Expected<engine::BlobClaim> claim(const std::string& repository, bool fresh = false) {
        engine::RegistryImageSink destination(client_, repository, fresh);
        return run_coro(io_,
                        engine::claim_blob(ledger_, metrics_, destination, digest_, kBlob.size()));
    }

    bool stored_in(const std::string& repository) {
        return writer_.blob_exists(repository, digest_).value();
    }

    RegistryProcess registry_;
    asio::io_context io_;
    int requests_ = 0;
    std::shared_ptr<transport::HttpClient> http_ = counting_client();
    registry::RegistryClient client_{http_, registry_.host(), {}};
    fleet::RegistryWriter writer_{{registry_.host()}};
    BlobLedger ledger_;
    metrics::Metrics metrics_;
    const std::string digest_ = registry::sha256_digest(kBlob);
};

TEST_F(BlobClaimTest, ABlobNobodyHasInAFreshRepositoryIsOwnedWithoutARequest) {
    const auto claimed = claim("team/a", true);
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_TRUE(claimed->owned);
    EXPECT_FALSE(claimed->session);
    EXPECT_EQ(requests_, 0);
}

TEST_F(BlobClaimTest, ABlobMissingFromAnOlderRepositoryIsOwnedAfterOneHead) {
    const auto claimed = claim("team/a");
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_TRUE(claimed->owned);
    EXPECT_FALSE(claimed->session);
    EXPECT_EQ(requests_, 1);
}

TEST_F(BlobClaimTest, ABlobAnOlderRepositoryHoldsIsCountedExistingAndSettled) {
    ASSERT_TRUE(writer_.push_blob("team/a", kBlob));
    const auto claimed = claim("team/a");
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_FALSE(claimed->owned);
    EXPECT_EQ(requests_, 1);
    EXPECT_EQ(metrics_.snapshot().blobs_existing, 1u);
    EXPECT_EQ(ledger_.claim(registry_.host(), digest_, "team/a").action,
              BlobLedger::Action::present);
}

TEST_F(BlobClaimTest, ABlobTheRepositoryHasCostsNoRequest) {
    ledger_.seed(registry_.host(), digest_, "team/a");
    const auto claimed = claim("team/a");
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_FALSE(claimed->owned);
    EXPECT_EQ(requests_, 0);
    EXPECT_EQ(metrics_.snapshot().blobs_deduped, 1u);
}

TEST_F(BlobClaimTest, ABlobInAnotherRepositoryIsMountedAndSettled) {
    ASSERT_TRUE(writer_.push_blob("team/a", kBlob));
    ledger_.seed(registry_.host(), digest_, "team/a");

    const auto claimed = claim("team/b");
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_FALSE(claimed->owned);
    EXPECT_TRUE(stored_in("team/b"));
    EXPECT_EQ(metrics_.snapshot().blobs_mounted, 1u);
    // The ledger now knows the blob is in team/b.
    EXPECT_EQ(ledger_.claim(registry_.host(), digest_, "team/b").action,
              BlobLedger::Action::present);
}

TEST_F(BlobClaimTest, ARefusedMountIsOwnedWithTheSessionTheRegistryOpened) {
    // The ledger believes team/a holds the blob; the registry has it nowhere.
    ledger_.seed(registry_.host(), digest_, "team/a");

    const auto claimed = claim("team/b");
    ASSERT_TRUE(claimed) << claimed.error().message;
    ASSERT_TRUE(claimed->owned);
    ASSERT_TRUE(claimed->session) << "the 202's upload session is handed over";
    EXPECT_TRUE(ledger_.mounts_refused(registry_.host()));
    EXPECT_EQ(metrics_.snapshot().blobs_mounted, 0u);

    // The session takes the upload, and settling tells the ledger.
    transport::MemoryBodySource body(kBlob);
    const auto uploaded =
        run_coro(io_, client_.upload_blob("team/b", digest_, kBlob.size(), body, claimed->session));
    ASSERT_TRUE(uploaded) << uploaded.error().message;
    EXPECT_TRUE(ledger_.settle(registry_.host(), digest_, "team/b", {}));
    EXPECT_TRUE(stored_in("team/b"));
    EXPECT_EQ(ledger_.claim(registry_.host(), digest_, "team/b").action,
              BlobLedger::Action::present);
}

TEST_F(BlobClaimTest, AfterARefusalTheRegistryIsNotAskedToMountAgain) {
    ledger_.seed(registry_.host(), digest_, "team/a");
    ASSERT_TRUE(claim("team/b"));
    ledger_.abandoned(registry_.host(), digest_, "team/b");
    const int requests = requests_;

    const auto claimed = claim("team/c", true);
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_TRUE(claimed->owned);
    EXPECT_FALSE(claimed->session);
    EXPECT_EQ(requests_, requests);
}

TEST_F(BlobClaimTest, AFailedMountReleasesTheBlobAndReturnsTheError) {
    ledger_.seed(registry_.host(), digest_, "team/a");
    registry_.stop();

    const auto claimed = claim("team/b");
    ASSERT_FALSE(claimed);
    EXPECT_EQ(claimed.error().kind, ErrorKind::network) << claimed.error().message;
    // Not refused, only failed: the next claim may mount again.
    EXPECT_FALSE(ledger_.mounts_refused(registry_.host()));
    EXPECT_EQ(ledger_.claim(registry_.host(), digest_, "team/b").action, BlobLedger::Action::mount);
}

}  // namespace
}  // namespace regmigrate::testing
