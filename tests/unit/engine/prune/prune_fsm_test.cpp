// sync --prune decided without sockets: which destination tags are gone, which manifests
// they may go with, and the DELETE sequence for each registry answer, including the real
// ones of Debian's docker-registry 2.8 (400 DIGEST_INVALID for a tag, 405 UNSUPPORTED with
// deletes disabled, 202 for a digest).
#include "engine/prune/prune_fsm.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');
const std::string kC = "sha256:" + std::string(64, 'c');

bool every_tag(std::string_view) {
    return true;
}

Error http_error(int status) {
    return make_error(status == 404 ? ErrorKind::not_found : ErrorKind::http,
                      "HTTP " + std::to_string(status), status);
}

// The requests a run of the machine sends while the registry answers each with `answer`.
struct Exchange {
    std::vector<std::string> sent;  // "tag:X" or "digest:D"
    PruneFsm fsm;
};

Exchange drive(std::vector<GoneManifest> manifests, TagDeletion support,
               const std::function<DeleteAnswer(const DeleteRequest&)>& answer) {
    Exchange exchange{{}, PruneFsm(std::move(manifests), support)};
    for (int guard = 0; guard < 100; ++guard) {
        auto next = exchange.fsm.next();
        if (!next)
            break;
        exchange.sent.push_back((next->by_tag ? "tag:" : "digest:") + next->reference);
        const DeleteAnswer given = answer(*next);
        exchange.fsm.on_answer(given, given == DeleteAnswer::done ? "" : "refused here");
    }
    return exchange;
}

// distribution 2.8 with deletes enabled: a tag alone is refused, a digest is deleted.
DeleteAnswer distribution_2_8(const DeleteRequest& request) {
    return request.by_tag ? DeleteAnswer::tag_refused : DeleteAnswer::done;
}

TEST(TagsGoneFromSource, AreTheDestinationTagsTheSourceLacks) {
    EXPECT_EQ(tags_gone_from_source({"1.0", "1.1", "2.0"}, {"1.1"}, every_tag),
              (std::vector<std::string>{"1.0", "2.0"}));
}

TEST(TagsGoneFromSource, LeaveTagsOutsideThePlansFilters) {
    const auto in_plan = [](std::string_view tag) { return tag.starts_with("v"); };
    EXPECT_EQ(tags_gone_from_source({"v1", "dev", "v2"}, {"v2"}, in_plan),
              (std::vector<std::string>{"v1"}));
}

TEST(TagsGoneFromSource, AreNoneWhenTheSourceHasEveryTag) {
    EXPECT_TRUE(tags_gone_from_source({"a", "b"}, {"a", "b", "c"}, every_tag).empty());
}

TEST(TagsGoneFromSource, AreSortedWithoutRepeats) {
    EXPECT_EQ(tags_gone_from_source({"b", "a", "b"}, {}, every_tag),
              (std::vector<std::string>{"a", "b"}));
}

TEST(GroupGoneTags, GathersTheGoneTagsOfOneManifest) {
    const auto grouped = group_gone_tags({{"x", kA}, {"y", kA}, {"z", kB}}, {"x", "y"}, {});
    ASSERT_EQ(grouped.size(), 1u);
    EXPECT_EQ(grouped[0].digest, kA);
    EXPECT_EQ(grouped[0].tags, (std::vector<std::string>{"x", "y"}));
    EXPECT_FALSE(grouped[0].in_use);
}

TEST(GroupGoneTags, MarksAManifestAStayingTagPointsAtInUse) {
    const auto grouped = group_gone_tags({{"old", kA}, {"latest", kA}}, {"old"}, {});
    ASSERT_EQ(grouped.size(), 1u);
    EXPECT_TRUE(grouped[0].in_use);
}

TEST(GroupGoneTags, MarksAManifestAStayingIndexListsInUse) {
    const auto grouped = group_gone_tags({{"amd64-only", kA}, {"multi", kB}}, {"amd64-only"}, {kA});
    ASSERT_EQ(grouped.size(), 1u);
    EXPECT_TRUE(grouped[0].in_use);
}

TEST(GroupGoneTags, OrdersManifestsByDigest) {
    const auto grouped = group_gone_tags({{"c", kC}, {"a", kA}}, {"a", "c"}, {});
    ASSERT_EQ(grouped.size(), 2u);
    EXPECT_EQ(grouped[0].digest, kA);
    EXPECT_EQ(grouped[1].digest, kC);
}

TEST(ClassifyDeleteAnswer, AcceptedIsDone) {
    EXPECT_EQ(classify_delete_answer(Expected<void>{}, true), DeleteAnswer::done);
}

TEST(ClassifyDeleteAnswer, MethodNotAllowedRefusesEveryDelete) {
    EXPECT_EQ(classify_delete_answer(http_error(405), true), DeleteAnswer::refused);
    EXPECT_EQ(classify_delete_answer(http_error(405), false), DeleteAnswer::refused);
}

TEST(ClassifyDeleteAnswer, MissingPermissionRefusesEveryDelete) {
    EXPECT_EQ(classify_delete_answer(make_error(ErrorKind::denied, "no", 403), false),
              DeleteAnswer::refused);
    EXPECT_EQ(classify_delete_answer(make_error(ErrorKind::unauthorized, "no", 401), true),
              DeleteAnswer::refused);
}

TEST(ClassifyDeleteAnswer, BadRequestForATagMeansNoTagDeletion) {
    EXPECT_EQ(classify_delete_answer(http_error(400), true), DeleteAnswer::tag_refused);
}

TEST(ClassifyDeleteAnswer, NotFoundForATagMeansNoTagDeletion) {
    EXPECT_EQ(classify_delete_answer(http_error(404), true), DeleteAnswer::tag_refused);
}

TEST(ClassifyDeleteAnswer, NotFoundForADigestMeansAlreadyGone) {
    EXPECT_EQ(classify_delete_answer(http_error(404), false), DeleteAnswer::gone);
}

TEST(ClassifyDeleteAnswer, ServerErrorFailsTheRequestOnly) {
    EXPECT_EQ(classify_delete_answer(http_error(500), false), DeleteAnswer::failed);
    EXPECT_EQ(classify_delete_answer(make_error(ErrorKind::network, "reset"), true),
              DeleteAnswer::failed);
}

TEST(PruneFsm, DeletesEachTagAloneFirst) {
    auto run = drive({{kA, {"x", "y"}, false}}, TagDeletion::unknown,
                     [](const DeleteRequest&) { return DeleteAnswer::done; });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:x", "tag:y"}));
    ASSERT_EQ(run.fsm.results().size(), 2u);
    EXPECT_EQ(run.fsm.results()[0].outcome, DeletionOutcome::untagged);
    EXPECT_EQ(run.fsm.results()[1].outcome, DeletionOutcome::untagged);
    EXPECT_EQ(run.fsm.support(), TagDeletion::supported);
}

TEST(PruneFsm, FallsBackToTheDigestWhenNoStayingTagUsesTheManifest) {
    auto run = drive({{kA, {"x", "y"}, false}}, TagDeletion::unknown, distribution_2_8);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:x", "digest:" + kA}));
    ASSERT_EQ(run.fsm.results().size(), 2u);
    EXPECT_EQ(run.fsm.results()[0].tag, "x");
    EXPECT_EQ(run.fsm.results()[0].outcome, DeletionOutcome::deleted);
    EXPECT_EQ(run.fsm.results()[1].tag, "y");
    EXPECT_EQ(run.fsm.results()[1].outcome, DeletionOutcome::deleted);
    EXPECT_EQ(run.fsm.support(), TagDeletion::unsupported);
}

TEST(PruneFsm, NeverDeletesAManifestInUseByDigest) {
    auto run = drive({{kA, {"old"}, true}}, TagDeletion::unknown, distribution_2_8);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:old"}));
    ASSERT_EQ(run.fsm.results().size(), 1u);
    EXPECT_EQ(run.fsm.results()[0].outcome, DeletionOutcome::kept);
    EXPECT_NE(run.fsm.results()[0].error.find(kA), std::string::npos);
}

TEST(PruneFsm, UntagsATagWhoseManifestIsInUseWhereTheRegistryCan) {
    auto run = drive({{kA, {"old"}, true}}, TagDeletion::unknown,
                     [](const DeleteRequest&) { return DeleteAnswer::done; });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:old"}));
    EXPECT_EQ(run.fsm.results().at(0).outcome, DeletionOutcome::untagged);
}

TEST(PruneFsm, ALearnedRefusalOfTagsGoesStraightToTheDigest) {
    auto run =
        drive({{kA, {"x"}, false}, {kB, {"y"}, true}}, TagDeletion::unsupported, distribution_2_8);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"digest:" + kA}));
    ASSERT_EQ(run.fsm.results().size(), 2u);
    EXPECT_EQ(run.fsm.results()[0].outcome, DeletionOutcome::deleted);
    EXPECT_EQ(run.fsm.results()[1].outcome, DeletionOutcome::kept);
}

TEST(PruneFsm, ARefusalEndsTheRepositoryAfterOneRequest) {
    auto run = drive({{kA, {"x", "y"}, false}, {kB, {"z"}, false}}, TagDeletion::unknown,
                     [](const DeleteRequest&) { return DeleteAnswer::refused; });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:x"}));
    EXPECT_EQ(run.fsm.refusal(), "refused here");
    EXPECT_TRUE(run.fsm.results().empty());
}

TEST(PruneFsm, ARefusedDigestAfterARefusedTagEndsTheRepository) {
    auto run = drive({{kA, {"x"}, false}, {kB, {"y"}, false}}, TagDeletion::unknown,
                     [](const DeleteRequest& request) {
                         return request.by_tag ? DeleteAnswer::tag_refused : DeleteAnswer::refused;
                     });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:x", "digest:" + kA}));
    EXPECT_FALSE(run.fsm.refusal().empty());
    EXPECT_TRUE(run.fsm.results().empty());
}

TEST(PruneFsm, AFailedTagDeleteFailsThatTagAndGoesOn) {
    auto run =
        drive({{kA, {"x", "y"}, false}}, TagDeletion::supported, [](const DeleteRequest& request) {
            return request.reference == "x" ? DeleteAnswer::failed : DeleteAnswer::done;
        });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"tag:x", "tag:y"}));
    EXPECT_EQ(run.fsm.results().at(0).outcome, DeletionOutcome::failed);
    EXPECT_EQ(run.fsm.results().at(0).error, "refused here");
    EXPECT_EQ(run.fsm.results().at(1).outcome, DeletionOutcome::untagged);
}

TEST(PruneFsm, AFailedDigestDeleteFailsEveryTagOnIt) {
    auto run = drive({{kA, {"x", "y"}, false}}, TagDeletion::unsupported,
                     [](const DeleteRequest&) { return DeleteAnswer::failed; });
    EXPECT_EQ(run.sent, (std::vector<std::string>{"digest:" + kA}));
    ASSERT_EQ(run.fsm.results().size(), 2u);
    EXPECT_EQ(run.fsm.results()[0].outcome, DeletionOutcome::failed);
    EXPECT_EQ(run.fsm.results()[1].outcome, DeletionOutcome::failed);
}

TEST(PruneFsm, ADigestAlreadyGoneCountsItsTagsDeleted) {
    auto run = drive({{kA, {"x"}, false}}, TagDeletion::unsupported,
                     [](const DeleteRequest&) { return DeleteAnswer::gone; });
    EXPECT_EQ(run.fsm.results().at(0).outcome, DeletionOutcome::deleted);
}

TEST(PruneFsm, SendsNothingWithoutGoneTags) {
    PruneFsm fsm({}, TagDeletion::unknown);
    EXPECT_FALSE(fsm.next());
}

}  // namespace
}  // namespace regmigrate::engine
