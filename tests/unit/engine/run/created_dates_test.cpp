#include "engine/run/created_dates.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>

namespace regmigrate::engine {
namespace {

constexpr const char* digest =
    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
constexpr const char* other_digest =
    "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

const TimePoint created = TimePoint(std::chrono::seconds(1735776000));

TEST(CreatedField, ADateIsItsUnixSeconds) {
    EXPECT_EQ(encode_created(created), "1735776000");
    EXPECT_EQ(decode_created("1735776000"), std::optional<TimePoint>(created));
}

TEST(CreatedField, NoDateIsADash) {
    EXPECT_EQ(encode_created(std::nullopt), "-");
    const auto decoded = decode_created("-");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, std::nullopt);
}

TEST(CreatedField, AnythingElseIsNotKnown) {
    for (const auto* field : {"", "12x", "soon", "--"})
        EXPECT_FALSE(decode_created(field)) << field;
}

TEST(CreatedDates, UnknownDigestIsNotFound) {
    const CreatedDates dates;
    EXPECT_FALSE(dates.find(digest));
}

TEST(CreatedDates, RemembersADateAndTheLackOfOne) {
    CreatedDates dates;
    dates.remember(digest, created);
    dates.remember(other_digest, std::nullopt);
    EXPECT_EQ(dates.find(digest), std::optional<std::optional<TimePoint>>(created));
    const auto undated = dates.find(other_digest);
    ASSERT_TRUE(undated);
    EXPECT_EQ(*undated, std::nullopt);
}

class CreatedDatesJournal : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "created-dates-XXXXXX");
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<Journal> open() { return Journal::open(dir_ / "plan.journal", plan_).value(); }

    std::filesystem::path dir_;
    JournalPlan plan_{"0123456789abcdef", "src>dst"};
};

TEST_F(CreatedDatesJournal, DatesRememberedAfterResumingAreKnownToTheNextRun) {
    {
        auto journal = open();
        CreatedDates dates;
        dates.resume_from(*journal);
        dates.remember(digest, created);
        dates.remember(other_digest, std::nullopt);
    }
    auto journal = open();
    CreatedDates next;
    next.resume_from(*journal);
    EXPECT_EQ(next.size(), 2u);
    EXPECT_EQ(next.find(digest), std::optional<std::optional<TimePoint>>(created));
    EXPECT_TRUE(next.find(other_digest));
}

TEST_F(CreatedDatesJournal, ADateKnownAlreadyIsNotRecordedAgain) {
    {
        auto journal = open();
        CreatedDates dates;
        dates.resume_from(*journal);
        dates.remember(digest, created);
        dates.remember(digest, created);
    }
    EXPECT_EQ(open()->loaded().records.size(), 1u);
}

}  // namespace
}  // namespace regmigrate::engine
