#include "engine/run/record_spill.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;

ImageRecord record(std::string source, ImageOutcome status = ImageOutcome::copied,
                   std::string digest = "sha256:aa") {
    ImageRecord made;
    made.source = std::move(source);
    made.destination = "dst.example/" + made.source;
    made.digest = std::move(digest);
    made.status = status;
    return made;
}

std::vector<ImageRecord> read_back(const RecordSpill& spill) {
    std::vector<ImageRecord> records;
    auto read = spill.for_each([&](const ImageRecord& r) { records.push_back(r); });
    EXPECT_TRUE(read) << read.error().message;
    return records;
}

std::vector<std::string> sources(const std::vector<ImageRecord>& records) {
    std::vector<std::string> names;
    for (const auto& r : records)
        names.push_back(r.source);
    return names;
}

class RecordSpillTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("regmigrate-record-spill-" + std::string(info->name()) +
                                            "-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::unique_ptr<RecordSpill> spill(std::size_t run_size) {
        auto created = RecordSpill::create(dir_, run_size);
        EXPECT_TRUE(created) << created.error().message;
        return created ? std::move(*created) : nullptr;
    }
    fs::path dir_;
};

TEST(RecordEncoding, DecodesEveryFieldItEncoded) {
    ImageRecord original = record("src.example/app:1", ImageOutcome::planned, "sha256:bb");
    original.error = "an error\nwith a newline and \"quotes\"";
    original.source_digest = "sha256:cc";
    original.failure_summary = "destination 500";
    original.size = 1234567890123;
    std::string bytes;
    encode_record(original, bytes);
    std::string_view in = bytes;
    const auto decoded = decode_record(in);
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(decoded->source, original.source);
    EXPECT_EQ(decoded->destination, original.destination);
    EXPECT_EQ(decoded->digest, original.digest);
    EXPECT_EQ(decoded->status, original.status);
    EXPECT_EQ(decoded->error, original.error);
    EXPECT_EQ(decoded->source_digest, original.source_digest);
    EXPECT_EQ(decoded->failure_summary, original.failure_summary);
    EXPECT_EQ(decoded->size, original.size);
}

TEST(RecordEncoding, TruncatedRecordDecodesToNothingAndConsumesNothing) {
    std::string bytes;
    encode_record(record("src.example/app:1"), bytes);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        std::string_view in(bytes.data(), cut);
        EXPECT_FALSE(decode_record(in)) << cut;
        EXPECT_EQ(in.size(), cut);
    }
}

TEST(RecordEncoding, RecordsFollowEachOther) {
    std::string bytes;
    encode_record(record("a"), bytes);
    encode_record(record("b"), bytes);
    std::string_view in = bytes;
    EXPECT_EQ(decode_record(in)->source, "a");
    EXPECT_EQ(decode_record(in)->source, "b");
    EXPECT_TRUE(in.empty());
}

TEST_F(RecordSpillTest, ReadsBackEveryRecordOrderedBySourceAcrossRuns) {
    auto records = spill(3);
    for (const char* name : {"m", "c", "x", "a", "q", "b", "z", "k", "d", "n"})
        ASSERT_TRUE(records->add(record(name)));
    EXPECT_EQ(records->size(), 10u);
    EXPECT_EQ(sources(read_back(*records)),
              (std::vector<std::string>{"a", "b", "c", "d", "k", "m", "n", "q", "x", "z"}));
}

TEST_F(RecordSpillTest, RecordsWithTheSameSourceKeepTheOrderTheyWereAdded) {
    auto records = spill(2);
    for (const char* digest : {"sha256:1", "sha256:2", "sha256:3", "sha256:4", "sha256:5"})
        ASSERT_TRUE(records->add(record("same", ImageOutcome::copied, digest)));
    std::vector<std::string> digests;
    for (const auto& r : read_back(*records))
        digests.push_back(r.digest);
    EXPECT_EQ(digests, (std::vector<std::string>{"sha256:1", "sha256:2", "sha256:3", "sha256:4",
                                                 "sha256:5"}));
}

TEST_F(RecordSpillTest, ReadsBackTwiceTheSame) {
    auto records = spill(4);
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(records->add(record("r" + std::to_string(9 - i))));
    EXPECT_EQ(sources(read_back(*records)), sources(read_back(*records)));
}

TEST_F(RecordSpillTest, CountsRecordsByStatus) {
    auto records = spill(2);
    ASSERT_TRUE(records->add(record("a", ImageOutcome::copied)));
    ASSERT_TRUE(records->add(record("b", ImageOutcome::skipped)));
    ASSERT_TRUE(records->add(record("c", ImageOutcome::copied)));
    EXPECT_EQ(records->count(ImageOutcome::copied), 2u);
    EXPECT_EQ(records->count(ImageOutcome::skipped), 1u);
    EXPECT_EQ(records->count(ImageOutcome::failed), 0u);
}

TEST_F(RecordSpillTest, LeavesNoFileInItsDirectory) {
    auto records = spill(1);
    ASSERT_TRUE(records->add(record("a")));
    ASSERT_TRUE(records->add(record("b")));
    EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(RecordSpillTest, MissingDirectoryIsAnIoErrorNamingIt) {
    const auto created = RecordSpill::create(dir_ / "missing");
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().kind, ErrorKind::io);
    EXPECT_NE(created.error().message.find("missing"), std::string::npos)
        << created.error().message;
}

}  // namespace
}  // namespace regmigrate::engine
