#include "metrics/outcome.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace regmigrate::metrics {
namespace {

// The words DESIGN.md and the README fix: report statuses and metric labels.
const std::vector<std::pair<ImageOutcome, std::string>> kImageWords{
    {ImageOutcome::copied, "copied"},         {ImageOutcome::skipped, "skipped"},
    {ImageOutcome::failed, "failed"},         {ImageOutcome::not_attempted, "not_attempted"},
    {ImageOutcome::planned, "planned"},       {ImageOutcome::matched, "matched"},
    {ImageOutcome::mismatched, "mismatched"}, {ImageOutcome::missing, "missing"}};

const std::vector<std::pair<BlobOutcome, std::string>> kBlobWords{
    {BlobOutcome::uploaded, "uploaded"},
    {BlobOutcome::mounted, "mounted"},
    {BlobOutcome::existing, "existing"},
    {BlobOutcome::deduped, "deduped"}};

TEST(ImageOutcome, EachOutcomeIsNamedByItsReportWord) {
    for (const auto& [outcome, word] : kImageWords)
        EXPECT_EQ(to_string(outcome), word);
}

TEST(ImageOutcome, NoTwoOutcomesShareAWord) {
    std::set<std::string_view> words;
    for (const auto& [outcome, word] : kImageWords)
        words.insert(to_string(outcome));
    EXPECT_EQ(words.size(), kImageWords.size());
}

TEST(BlobOutcome, EachOutcomeIsNamedByItsMetricLabel) {
    for (const auto& [outcome, word] : kBlobWords)
        EXPECT_EQ(to_string(outcome), word);
}

TEST(BlobOutcome, AllBlobOutcomesListsEachOnceInTheMetricOrder) {
    ASSERT_EQ(all_blob_outcomes.size(), kBlobWords.size());
    for (std::size_t i = 0; i < kBlobWords.size(); ++i)
        EXPECT_EQ(all_blob_outcomes[i], kBlobWords[i].first);
}

TEST(DeletionOutcome, EachOutcomeIsNamedByItsReportWordInTheMetricOrder) {
    const std::vector<std::pair<DeletionOutcome, std::string>> words{
        {DeletionOutcome::untagged, "untagged"},
        {DeletionOutcome::deleted, "deleted"},
        {DeletionOutcome::kept, "kept"},
        {DeletionOutcome::planned, "planned"},
        {DeletionOutcome::failed, "failed"}};
    ASSERT_EQ(all_deletion_outcomes.size(), words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        EXPECT_EQ(all_deletion_outcomes[i], words[i].first);
        EXPECT_EQ(to_string(words[i].first), words[i].second);
    }
}

}  // namespace
}  // namespace regmigrate::metrics
