#include "engine/copy/blob_ledger.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace regmigrate::engine {
namespace {

namespace asio = boost::asio;
using Action = BlobLedger::Action;

constexpr const char* registry = "dest.example:5000";
constexpr const char* other_registry = "other.example:5000";
constexpr const char* digest =
    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
constexpr const char* other_digest =
    "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

// Bounds every run so a waiter that never resolves fails the test instead of hanging it.
constexpr std::chrono::seconds run_limit{5};
// How long the stand-in for another worker takes before it reports.
constexpr std::chrono::milliseconds step{20};

// Runs acquire() for `repo` on `io` and records its decision once it resolves.
void spawn_acquire(asio::io_context& io, BlobLedger& ledger, std::string repo,
                   std::optional<BlobLedger::Decision>& out) {
    asio::co_spawn(
        io,
        [&ledger, &out, repo = std::move(repo)]() -> asio::awaitable<void> {
            out = co_await ledger.acquire(registry, digest, repo);
        },
        asio::detached);
}

// Calls `action` after `delay` on `io`, standing in for another worker finishing its copy.
template <class F>
void after(asio::io_context& io, std::chrono::milliseconds delay, F action) {
    asio::co_spawn(
        io,
        [delay, action]() -> asio::awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor, delay);
            co_await timer.async_wait(asio::use_awaitable);
            action();
        },
        asio::detached);
}

TEST(BlobLedger, FirstClaimUploads) {
    BlobLedger ledger;
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::upload);
}

TEST(BlobLedger, ConcurrentClaimWaitsWhileUploadIsInFlight) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::wait);
}

TEST(BlobLedger, ConcurrentClaimForTheSameRepositoryAlsoWaits) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::wait);
}

TEST(BlobLedger, LaterRepositoryMountsFromTheFirstRepository) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    const auto decision = ledger.claim(registry, digest, "team/b");
    EXPECT_EQ(decision.action, Action::mount);
    EXPECT_EQ(decision.from_repo, "team/a");
}

TEST(BlobLedger, MountSourceStaysTheFirstRepositoryAfterMoreMounts) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    ledger.claim(registry, digest, "team/b");
    ledger.finished(registry, digest, "team/b");
    EXPECT_EQ(ledger.claim(registry, digest, "team/c").from_repo, "team/a");
}

TEST(BlobLedger, SameRepositoryIsPresentAfterFinished) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::present);
}

TEST(BlobLedger, BlobFoundInRepositoryWithoutClaimIsPresent) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::present);
}

TEST(BlobLedger, AbandonedUploadLetsTheNextClaimUpload) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.abandoned(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::upload);
}

TEST(BlobLedger, SecondClaimForARepositoryBeingMountedWaits) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::mount);
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::wait);
}

TEST(BlobLedger, MountIntoOneRepositoryDoesNotHoldUpAnother) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    ledger.claim(registry, digest, "team/b");
    EXPECT_EQ(ledger.claim(registry, digest, "team/c").action, Action::mount);
}

TEST(BlobLedger, FinishedMountMakesTheBlobPresentInThatRepository) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    ledger.claim(registry, digest, "team/b");
    ledger.finished(registry, digest, "team/b");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::present);
}

TEST(BlobLedger, AbandonedMountLetsTheNextClaimMountAgain) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    ledger.claim(registry, digest, "team/b");
    ledger.abandoned(registry, digest, "team/b");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::mount);
}

TEST(BlobLedger, RefusedMountsTurnAMountIntoAnUpload) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    ledger.refuse_mounts(registry);
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::upload);
}

TEST(BlobLedger, RefusedMountsStillReportPresentInTheSameRepository) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    ledger.refuse_mounts(registry);
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::present);
}

TEST(BlobLedger, RefusedMountsAreRememberedPerRegistry) {
    BlobLedger ledger;
    ledger.refuse_mounts(registry);
    EXPECT_TRUE(ledger.mounts_refused(registry));
    EXPECT_FALSE(ledger.mounts_refused(other_registry));
}

TEST(BlobLedger, RefusingMountsOnOneRegistryKeepsMountsOnAnother) {
    BlobLedger ledger;
    ledger.finished(other_registry, digest, "team/a");
    ledger.refuse_mounts(registry);
    EXPECT_EQ(ledger.claim(other_registry, digest, "team/b").action, Action::mount);
}

TEST(BlobLedger, SameDigestInAnotherRegistryIsUploadedThere) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(other_registry, digest, "team/a").action, Action::upload);
}

TEST(BlobLedger, DifferentDigestsAreClaimedIndependently) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, other_digest, "team/a").action, Action::upload);
}

TEST(BlobLedger, KnownBlobsCountsEachRegistryAndDigestOnce) {
    BlobLedger ledger;
    ledger.finished(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/b");
    ledger.finished(registry, other_digest, "team/a");
    ledger.finished(other_registry, digest, "team/a");
    EXPECT_EQ(ledger.known_blobs(), 3u);
}

TEST(BlobLedger, SeededBlobIsPresentInItsRepository) {
    BlobLedger ledger;
    ledger.seed(registry, digest, "app");
    EXPECT_EQ(ledger.claim(registry, digest, "app").action, Action::present);
}

TEST(BlobLedger, SeededBlobIsMountedIntoAnotherRepository) {
    BlobLedger ledger;
    ledger.seed(registry, digest, "app");
    const auto decision = ledger.claim(registry, digest, "web");
    EXPECT_EQ(decision.action, Action::mount);
    EXPECT_EQ(decision.from_repo, "app");
}

TEST(BlobLedger, ListenerIsToldOfFinishedBlobs) {
    BlobLedger ledger;
    std::vector<std::string> told;
    ledger.set_listener([&](const std::string& r, const std::string& d, const std::string& repo) {
        told.push_back(r + " " + repo + " " + d);
    });
    ledger.claim(registry, digest, "app");
    ledger.finished(registry, digest, "app");
    EXPECT_EQ(told, std::vector<std::string>{std::string(registry) + " app " + digest});
}

TEST(BlobLedger, ListenerIsNotToldOfSeededOrAbandonedBlobs) {
    BlobLedger ledger;
    std::size_t told = 0;
    ledger.set_listener(
        [&](const std::string&, const std::string&, const std::string&) { ++told; });
    ledger.seed(registry, digest, "app");
    ledger.claim(registry, other_digest, "app");
    ledger.abandoned(registry, other_digest, "app");
    EXPECT_EQ(told, 0u);
}

TEST(BlobLedger, SettlingASuccessFinishesTheBlobAndReturnsTheResult) {
    BlobLedger ledger;
    std::size_t told = 0;
    ledger.set_listener(
        [&](const std::string&, const std::string&, const std::string&) { ++told; });
    ledger.claim(registry, digest, "app");
    EXPECT_TRUE(ledger.settle(registry, digest, "app", Expected<void>{}));
    EXPECT_EQ(told, 1u);
    EXPECT_EQ(ledger.claim(registry, digest, "app").action, Action::present);
}

TEST(BlobLedger, SettlingAFailureAbandonsTheBlobAndReturnsTheError) {
    BlobLedger ledger;
    ledger.claim(registry, digest, "app");
    const auto settled =
        ledger.settle(registry, digest, "app", make_error(ErrorKind::network, "reset"));
    ASSERT_FALSE(settled);
    EXPECT_EQ(settled.error().message, "reset");
    EXPECT_EQ(ledger.claim(registry, digest, "app").action, Action::upload);
}

TEST(BlobLedger, AcquireReturnsAtOnceWhenNothingIsInFlight) {
    asio::io_context io;
    BlobLedger ledger;
    std::optional<BlobLedger::Decision> decision;
    spawn_acquire(io, ledger, "team/a", decision);
    io.run_for(run_limit);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->action, Action::upload);
}

TEST(BlobLedger, AcquireWaitsForTheUploadThenMountsFromItsRepository) {
    asio::io_context io;
    BlobLedger ledger;
    ASSERT_EQ(ledger.claim(registry, digest, "team/a").action, Action::upload);
    std::optional<BlobLedger::Decision> decision;
    bool resolved_before_finish = false;
    spawn_acquire(io, ledger, "team/b", decision);
    after(io, 5 * step, [&] {
        resolved_before_finish = decision.has_value();
        ledger.finished(registry, digest, "team/a");
    });
    io.run_for(run_limit);
    EXPECT_FALSE(resolved_before_finish);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->action, Action::mount);
    EXPECT_EQ(decision->from_repo, "team/a");
}

TEST(BlobLedger, AcquireTakesOverTheUploadWhenTheFirstCopierAbandons) {
    asio::io_context io;
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    std::optional<BlobLedger::Decision> decision;
    spawn_acquire(io, ledger, "team/b", decision);
    after(io, 3 * step, [&] { ledger.abandoned(registry, digest, "team/a"); });
    io.run_for(run_limit);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->action, Action::upload);
}

TEST(BlobLedger, OnlyOneOfTwoWaitersTakesOverAnAbandonedUpload) {
    asio::io_context io;
    BlobLedger ledger;
    ledger.claim(registry, digest, "team/a");
    std::optional<BlobLedger::Decision> first;
    std::optional<BlobLedger::Decision> second;
    spawn_acquire(io, ledger, "team/b", first);
    spawn_acquire(io, ledger, "team/c", second);
    // Whichever waiter wins the upload finishes it later, releasing the other one to mount.
    after(io, 3 * step, [&] { ledger.abandoned(registry, digest, "team/a"); });
    after(io, 10 * step, [&] {
        EXPECT_NE(first.has_value(), second.has_value());
        ledger.finished(registry, digest, first ? "team/b" : "team/c");
    });
    io.run_for(run_limit);
    ASSERT_TRUE(first && second);
    const bool first_uploaded = first->action == Action::upload;
    EXPECT_EQ(first_uploaded ? second->action : first->action, Action::mount);
    EXPECT_EQ(first_uploaded ? second->from_repo : first->from_repo,
              first_uploaded ? "team/b" : "team/c");
}

TEST(BlobLedger, AcquireIsWokenByAFinishOnAnotherLoopWithoutWaitingForTime) {
    asio::io_context owner_loop;
    asio::io_context waiter_loop;
    BlobLedger ledger;
    ASSERT_EQ(ledger.claim(registry, digest, "team/a").action, Action::upload);
    std::optional<BlobLedger::Decision> decision;
    spawn_acquire(waiter_loop, ledger, "team/b", decision);
    waiter_loop.poll();
    ASSERT_FALSE(decision);

    asio::post(owner_loop, [&] { ledger.finished(registry, digest, "team/a"); });
    owner_loop.poll();
    waiter_loop.poll();  // runs only what is ready now: the wake-up, then the waiter
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->action, Action::mount);
}

}  // namespace
}  // namespace regmigrate::engine

namespace regmigrate::engine {
namespace {

// Settles `count` distinct blobs other than `digest` into team/fill.
void fill(BlobLedger& ledger, int count) {
    for (int i = 0; i < count; ++i) {
        const std::string blob = "sha256:fill" + std::to_string(i);
        ledger.claim(registry, blob, "team/fill");
        ledger.finished(registry, blob, "team/fill");
    }
}

TEST(BoundedBlobLedger, RemembersAtMostTwoGenerationsOfBlobs) {
    BlobLedger ledger(4);
    fill(ledger, 100);
    EXPECT_LE(ledger.known_blobs(), 8u);
}

TEST(BoundedBlobLedger, ForgetsABlobUntouchedForTwoGenerations) {
    BlobLedger ledger(4);
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    fill(ledger, 8);
    EXPECT_EQ(ledger.claim(registry, digest, "team/a").action, Action::upload);
}

TEST(BoundedBlobLedger, KeepsABlobTouchedWithinTheLastGeneration) {
    BlobLedger ledger(4);
    ledger.claim(registry, digest, "team/a");
    ledger.finished(registry, digest, "team/a");
    for (int round = 0; round < 10; ++round) {
        fill(ledger, 3);
        ASSERT_EQ(ledger.claim(registry, digest, "team/a").action, Action::present) << round;
    }
}

TEST(BoundedBlobLedger, KeepsABlobInFlightHoweverManyBlobsFollow) {
    BlobLedger ledger(4);
    ASSERT_EQ(ledger.claim(registry, digest, "team/a").action, Action::upload);
    fill(ledger, 100);
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::wait);
    ledger.finished(registry, digest, "team/a");
    EXPECT_EQ(ledger.claim(registry, digest, "team/b").action, Action::mount);
}

}  // namespace
}  // namespace regmigrate::engine

namespace regmigrate::engine {
namespace {

TEST(BoundedBlobLedger, RemembersOnlyTheNewestRepositoriesOfABlob) {
    BlobLedger ledger;
    for (int i = 0; i < 100; ++i)
        ledger.seed(registry, digest, "team/r" + std::to_string(i));
    // The newest repository still has it; the oldest is forgotten: a mount from the newest.
    EXPECT_EQ(ledger.claim(registry, digest, "team/r99").action, Action::present);
    const auto oldest = ledger.claim(registry, digest, "team/r0");
    EXPECT_EQ(oldest.action, Action::mount);
    EXPECT_NE(oldest.from_repo, "team/r0");
}

}  // namespace
}  // namespace regmigrate::engine
