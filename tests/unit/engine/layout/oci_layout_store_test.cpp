#include "engine/layout/oci_layout_store.hpp"

#include "registry/content/sha256.hpp"
#include "tests/support/run_coro.hpp"
#include "transport/http/memory_body_source.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;
using testing::run_coro;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

void spill(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

std::string hex_of(const std::string& digest) {
    return digest.substr(7);
}

class OciLayoutStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "oci-store-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        layout_dir_ = root_ / "layout";
        auto opened = OciLayoutStore::open(layout_dir_, true);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
    }
    void TearDown() override { fs::remove_all(root_); }

    Expected<std::uint64_t> write(const std::string& digest, const std::string& content,
                                  std::uint64_t size) {
        transport::MemoryBodySource body(content);
        return run_coro(io_, store_->write_blob(digest, size, body));
    }
    fs::path blob_path(const std::string& digest) const {
        return layout_dir_ / "blobs" / "sha256" / hex_of(digest);
    }
    std::size_t files_in_blobs() const {
        return static_cast<std::size_t>(std::distance(
            fs::directory_iterator(layout_dir_ / "blobs" / "sha256"), fs::directory_iterator()));
    }

    boost::asio::io_context io_;
    fs::path root_;
    fs::path layout_dir_;
    std::unique_ptr<OciLayoutStore> store_;
    const std::string content_ = "layer content";
    const std::string digest_ = registry::sha256_digest(content_);
};

TEST_F(OciLayoutStoreTest, CreatesMarkerEmptyIndexAndBlobDirectory) {
    EXPECT_EQ(slurp(layout_dir_ / "oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
    const auto index = store_->read_index();
    ASSERT_TRUE(index) << index.error().message;
    EXPECT_TRUE(index->manifests.empty());
    EXPECT_TRUE(fs::is_directory(layout_dir_ / "blobs" / "sha256"));
}

TEST_F(OciLayoutStoreTest, OpeningWithoutCreateRefusesADirectoryThatIsNoLayout) {
    fs::create_directories(root_ / "plain");
    EXPECT_FALSE(OciLayoutStore::open(root_ / "plain", false));
    EXPECT_TRUE(OciLayoutStore::open(layout_dir_, false));
}

TEST_F(OciLayoutStoreTest, WrittenBlobIsStoredUnderItsDigest) {
    const auto written = write(digest_, content_, content_.size());
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(*written, content_.size());
    EXPECT_EQ(slurp(blob_path(digest_)), content_);
    EXPECT_EQ(*store_->blob_size(digest_), std::optional<std::uint64_t>(content_.size()));
}

TEST_F(OciLayoutStoreTest, BlobAlreadyPresentIsNotWrittenAgain) {
    ASSERT_TRUE(write(digest_, content_, content_.size()));
    const auto again = write(digest_, content_, content_.size());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);
}

TEST_F(OciLayoutStoreTest, ContentThatDoesNotHashToItsDigestIsRefusedAndLeavesNoFile) {
    const auto written = write(digest_, "other content", 13);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::digest_mismatch);
    EXPECT_EQ(files_in_blobs(), 0u);
}

TEST_F(OciLayoutStoreTest, ContentShorterThanItsSizeIsRefused) {
    const auto written = write(digest_, content_.substr(0, 4), content_.size());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::digest_mismatch);
    EXPECT_EQ(files_in_blobs(), 0u);
}

TEST_F(OciLayoutStoreTest, TornTemporaryFileIsIgnoredAndTheBlobWrittenAfresh) {
    spill(blob_path(digest_).string() + ".tmp-0123456789abcdef", "layer con");
    EXPECT_EQ(*store_->blob_size(digest_), std::nullopt);
    ASSERT_TRUE(write(digest_, content_, content_.size()));
    EXPECT_EQ(slurp(blob_path(digest_)), content_);
}

TEST_F(OciLayoutStoreTest, ManifestBytesAreReadBackOnlyWhenTheyHashToTheirDigest) {
    ASSERT_TRUE(store_->write_bytes(digest_, content_));
    EXPECT_EQ(*store_->read_bytes(digest_, 1024), content_);
    spill(blob_path(digest_), "tampered");
    const auto read = store_->read_bytes(digest_, 1024);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().kind, ErrorKind::digest_mismatch);
}

TEST_F(OciLayoutStoreTest, ManifestBytesNotMatchingTheirDigestAreRefused) {
    EXPECT_FALSE(store_->write_bytes(digest_, "something else"));
    EXPECT_EQ(files_in_blobs(), 0u);
}

TEST_F(OciLayoutStoreTest, DigestThatIsNoSha256HexIsRefusedAsAFileName) {
    EXPECT_FALSE(store_->blob_size("sha256:../../oci-layout"));
    EXPECT_FALSE(store_->open_blob("sha256:../../../etc/passwd"));
    EXPECT_FALSE(store_->write_bytes("sha256:" + std::string(63, 'a') + "/", "x"));
    EXPECT_FALSE(store_->blob_size("sha512:" + std::string(128, 'a')));
}

TEST_F(OciLayoutStoreTest, SymlinkedBlobIsNotFollowedOutOfTheLayout) {
    spill(root_ / "secret", content_);
    fs::create_symlink(root_ / "secret", blob_path(digest_));
    EXPECT_FALSE(store_->open_blob(digest_));
    EXPECT_FALSE(store_->read_bytes(digest_, 1024));
    EXPECT_FALSE(store_->blob_size(digest_));
}

TEST_F(OciLayoutStoreTest, SymlinkedBlobsDirectoryIsRefused) {
    fs::create_directories(root_ / "elsewhere" / "sha256");
    fs::create_directories(root_ / "linked");
    spill(root_ / "linked" / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    fs::create_directory_symlink(root_ / "elsewhere", root_ / "linked" / "blobs");
    EXPECT_FALSE(OciLayoutStore::open(root_ / "linked", false));
}

TEST_F(OciLayoutStoreTest, UpdateIndexReplacesTheEntryOfTheSameTag) {
    const std::string other = registry::sha256_digest("other");
    registry::OciLayoutEntry entry{"application/vnd.oci.image.manifest.v1+json", digest_, 13, {}};
    entry.annotations.emplace(registry::oci_ref_name_annotation, "latest");
    ASSERT_TRUE(store_->update_index(entry));
    entry.digest = other;
    ASSERT_TRUE(store_->update_index(entry));
    const auto index = store_->read_index();
    ASSERT_TRUE(index);
    ASSERT_EQ(index->manifests.size(), 1u);
    EXPECT_EQ(index->find("latest")->digest, other);
}

TEST_F(OciLayoutStoreTest, ConcurrentIndexUpdatesLoseNoTag) {
    std::vector<std::thread> writers;
    for (int i = 0; i < 8; ++i) {
        writers.emplace_back([&, i] {
            registry::OciLayoutEntry entry{"m", digest_, 13, {}};
            entry.annotations.emplace(registry::oci_ref_name_annotation, "t" + std::to_string(i));
            EXPECT_TRUE(store_->update_index(entry));
        });
    }
    for (auto& writer : writers)
        writer.join();
    EXPECT_EQ(store_->read_index()->manifests.size(), 8u);
}

TEST_F(OciLayoutStoreTest, LayoutsUnderADirectoryAreNamedByTheirRelativePath) {
    ASSERT_TRUE(OciLayoutStore::open(root_ / "fleet" / "team" / "app", true));
    ASSERT_TRUE(OciLayoutStore::open(root_ / "fleet" / "base", true));
    fs::create_directories(root_ / "fleet" / "not-a-layout");
    const auto found = find_oci_layouts(root_ / "fleet");
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(*found, (std::vector<std::string>{"base", "team/app"}));
}

TEST_F(OciLayoutStoreTest, TheGivenDirectoryItselfMayBeTheOnlyLayout) {
    const auto found = find_oci_layouts(layout_dir_);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (std::vector<std::string>{""}));
}

}  // namespace
}  // namespace regmigrate::engine
