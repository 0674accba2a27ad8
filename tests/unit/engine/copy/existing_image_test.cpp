// find_existing_image against two fake ends: both are asked for the tag at once, and the image
// is there only when the destination serves the source's digest.
#include "engine/copy/existing_image.hpp"
#include "tests/support/run_coro.hpp"

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;
using registry::ManifestHead;
using Head = std::optional<ManifestHead>;

const ManifestHead image{"sha256:" + std::string(64, 'a'),
                         "application/vnd.oci.image.manifest.v1+json"};
const ManifestHead other{"sha256:" + std::string(64, 'b'),
                         "application/vnd.oci.image.manifest.v1+json"};

class FakeSource final : public ImageSource {
  public:
    explicit FakeSource(Head head) : head_(std::move(head)) {}
    bool asked = false;

    std::string describe() const override { return "source/app"; }
    asio::awaitable<Expected<registry::ManifestData>> read_manifest(std::string) override {
        co_return make_error(ErrorKind::not_found, "not read in these tests");
    }
    asio::awaitable<Expected<Head>> tag_digest(std::string) override {
        asked = true;
        co_return head_;
    }
    asio::awaitable<Expected<std::optional<std::uint64_t>>> blob_size(std::string) override {
        co_return std::optional<std::uint64_t>();
    }
    asio::awaitable<Expected<std::unique_ptr<BlobReader>>> open_blob(std::string,
                                                                     std::uint64_t) override {
        co_return make_error(ErrorKind::not_found, "not read in these tests");
    }

  private:
    Head head_;
};

// Answers once the source was asked, or after a bound: asked first and alone, it would
// hold the source's question back until it answers.
class FakeSink final : public ImageSink {
  public:
    FakeSink(Head head, const FakeSource& source) : head_(std::move(head)), source_(source) {}
    bool source_asked_meanwhile = false;

    std::string describe() const override { return "destination/app"; }
    std::string ledger_registry() const override { return "destination"; }
    std::string ledger_repository() const override { return "app"; }
    bool fresh() const override { return false; }
    asio::awaitable<Expected<Head>> tag_digest(std::string) override {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        for (int wait = 0; wait < 200 && !source_.asked; ++wait) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        source_asked_meanwhile = source_.asked;
        co_return head_;
    }
    asio::awaitable<Expected<bool>> has_blob(std::string, std::uint64_t) override {
        co_return false;
    }
    std::unique_ptr<BlobWriter> writer(std::string, std::uint64_t,
                                       std::optional<registry::UploadSession>) override {
        return nullptr;
    }
    asio::awaitable<Expected<void>> put_manifest(std::string_view, const std::string&,
                                                 const std::string&, const std::string&,
                                                 bool) override {
        co_return make_error(ErrorKind::unsupported, "nothing is pushed in these tests");
    }

  private:
    Head head_;
    const FakeSource& source_;
};

class ExistingImageTest : public ::testing::Test {
  protected:
    Expected<std::optional<ExistingImage>> ask(FakeSource& source, FakeSink& sink) {
        return testing::run_coro(io_, find_existing_image(copier_, source, "v1", sink, "v1"));
    }

    asio::io_context io_;
    BlobLedger ledger_;
    TransferLimiter limiter_{1, 1};
    metrics::Metrics metrics_;
    ImageCopier copier_{ledger_, limiter_, metrics_, CopyOptions{}};
};

TEST_F(ExistingImageTest, BothEndsAreAskedAtOnce) {
    FakeSource source(image);
    FakeSink sink(image, source);
    ASSERT_TRUE(ask(source, sink));
    EXPECT_TRUE(sink.source_asked_meanwhile);
}

TEST_F(ExistingImageTest, SameDigestAtBothEndsIsThereAlready) {
    FakeSource source(image);
    FakeSink sink(image, source);
    const auto there = ask(source, sink);
    ASSERT_TRUE(there) << there.error().message;
    ASSERT_TRUE(*there);
    EXPECT_EQ((*there)->digest, image.digest);
    EXPECT_EQ((*there)->source_digest, "");
}

TEST_F(ExistingImageTest, AnotherDigestAtTheDestinationIsNotThere) {
    FakeSource source(image);
    FakeSink sink(other, source);
    const auto there = ask(source, sink);
    ASSERT_TRUE(there) << there.error().message;
    EXPECT_FALSE(*there);
}

TEST_F(ExistingImageTest, TagMissingAtTheDestinationIsNotThere) {
    FakeSource source(image);
    FakeSink sink(std::nullopt, source);
    const auto there = ask(source, sink);
    ASSERT_TRUE(there) << there.error().message;
    EXPECT_FALSE(*there);
}

}  // namespace
}  // namespace regmigrate::engine
