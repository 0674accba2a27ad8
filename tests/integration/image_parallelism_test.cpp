// Within one image, blobs move concurrently (up to --image-parallelism) through the one
// image path, against real docker-registry processes. A sink that wraps the registry's own
// counts the blob uploads in flight at once and can make one blob's upload fail, to show
// that a failure stops its siblings and leaves no upload behind.
#include "engine/copy/image_copier.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/run_coro.hpp"
#include "tests/support/sample_images.hpp"
#include "transport/http/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

namespace regmigrate::testing {
namespace {

namespace asio = boost::asio;

// Counts uploads in flight across the writers of one sink.
struct UploadTally {
    std::size_t in_flight = 0;
    std::size_t peak = 0;
    std::size_t started = 0;
};

class CountingWriter final : public engine::BlobWriter {
  public:
    CountingWriter(std::unique_ptr<engine::BlobWriter> inner, UploadTally& tally, bool fails)
        : inner_(std::move(inner)), tally_(tally), fails_(fails) {}

    asio::awaitable<Expected<void>> attempt(engine::ImageSource& source,
                                            const std::optional<Error>& previous) override {
        ++tally_.started;
        tally_.peak = std::max(tally_.peak, ++tally_.in_flight);
        auto sent = co_await inner_->attempt(source, previous);
        --tally_.in_flight;
        if (fails_)
            co_return make_error(ErrorKind::denied, "upload refused by the test");
        co_return sent;
    }
    asio::awaitable<void> abandon() override { co_await inner_->abandon(); }

  private:
    std::unique_ptr<engine::BlobWriter> inner_;
    UploadTally& tally_;
    bool fails_;
};

// The registry repository as a sink, its writers counted; `failing`'s upload fails after
// its bytes went (so the registry holds an open upload the failure must cancel).
class CountingSink final : public engine::ImageSink {
  public:
    CountingSink(registry::RegistryClient& client, std::string repository, std::string failing = {})
        : inner_(client, std::move(repository), true), failing_(std::move(failing)) {}

    UploadTally tally;

    std::string describe() const override { return inner_.describe(); }
    std::string ledger_registry() const override { return inner_.ledger_registry(); }
    std::string ledger_repository() const override { return inner_.ledger_repository(); }
    bool fresh() const override { return true; }
    asio::awaitable<Expected<std::optional<registry::ManifestHead>>> tag_digest(
        std::string tag) override {
        return inner_.tag_digest(std::move(tag));
    }
    asio::awaitable<Expected<bool>> has_blob(std::string digest, std::uint64_t size) override {
        return inner_.has_blob(std::move(digest), size);
    }
    std::unique_ptr<engine::BlobWriter> writer(
        std::string digest, std::uint64_t size,
        std::optional<registry::UploadSession> session) override {
        const bool fails = digest == failing_;
        return std::make_unique<CountingWriter>(
            inner_.writer(std::move(digest), size, std::move(session)), tally, fails);
    }
    asio::awaitable<Expected<void>> put_manifest(std::string_view media_type,
                                                 const std::string& digest,
                                                 const std::string& bytes,
                                                 const std::string& target, bool root) override {
        return inner_.put_manifest(media_type, digest, bytes, target, root);
    }

  private:
    engine::RegistryImageSink inner_;
    std::string failing_;
};

// One image of `layers` distinct layers (plus its config).
fleet::ImagePlan wide_image(std::size_t layers) {
    fleet::ImagePlan plan{"team/wide", "v1", fleet::ManifestFormat::oci, {}};
    fleet::PlatformPlan platform;
    for (std::size_t i = 0; i < layers; ++i)
        platform.layers.push_back({1000 + i, 64 * 1024, false});
    plan.platforms.push_back(platform);
    return plan;
}

class ImageParallelismTest : public ::testing::Test {
  protected:
    Expected<std::string> copy(CountingSink& sink, std::size_t parallelism) {
        engine::CopyOptions options;
        options.image_parallelism = parallelism;
        engine::ImageCopier copier(ledger_, limiter_, metrics_, options);
        engine::RegistryImageSource source(from_, "team/wide");
        return run_coro(io_, copier.copy(source, "v1", sink, "v1"));
    }

    RegistryProcess source_registry_;
    RegistryProcess destination_registry_;
    fleet::TaggedImage pushed_ = push_image(source_registry_.host(), wide_image(8));
    asio::io_context io_;
    std::shared_ptr<transport::HttpClient> http_ = [this] {
        transport::ClientOptions options;
        options.tls.mode = transport::TlsMode::disabled;
        return transport::HttpClient::create(io_.get_executor(), options).value();
    }();
    registry::RegistryClient from_{http_, source_registry_.host(), {}};
    registry::RegistryClient to_{http_, destination_registry_.host(), {}};
    engine::BlobLedger ledger_;
    engine::TransferLimiter limiter_{32, 1ull << 30};
    metrics::Metrics metrics_;
};

TEST_F(ImageParallelismTest, BlobsOfOneImageAreInFlightTogether) {
    CountingSink sink(to_, "team/wide");
    const auto digest = copy(sink, 6);
    ASSERT_TRUE(digest) << digest.error().message;
    EXPECT_EQ(*digest, pushed_.digest);
    EXPECT_EQ(served_digest(destination_registry_.host(), "team/wide", "v1"), pushed_.digest);
    EXPECT_EQ(sink.tally.started, 9u);  // 8 layers and the config
    EXPECT_GE(sink.tally.peak, 2u);
    EXPECT_LE(sink.tally.peak, 6u);
}

TEST_F(ImageParallelismTest, ParallelismOfOneMovesOneBlobAtATime) {
    CountingSink sink(to_, "team/wide");
    ASSERT_TRUE(copy(sink, 1));
    EXPECT_EQ(sink.tally.peak, 1u);
}

TEST_F(ImageParallelismTest, AFailingBlobStopsItsSiblingsAndLeavesNoUploadBehind) {
    engine::RegistryImageSource source(from_, "team/wide");
    const auto manifest = run_coro(io_, source.read_manifest("v1"));
    ASSERT_TRUE(manifest) << manifest.error().message;
    const std::string first_layer = manifest->manifest.layers.at(0).digest;
    CountingSink sink(to_, "team/wide", first_layer);
    const auto digest = copy(sink, 2);
    ASSERT_FALSE(digest);
    EXPECT_EQ(digest.error().message, "upload refused by the test");
    // Two lanes: the failing blob and at most one sibling per lane after it ever started.
    EXPECT_LT(sink.tally.started, 9u);
    EXPECT_EQ(served_digest(destination_registry_.host(), "team/wide", "v1"), "");
    EXPECT_EQ(uploads_holding_data(destination_registry_.storage_dir()), 0u);
}

}  // namespace
}  // namespace regmigrate::testing
