#include "registry/auth/renewable_credentials.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace regmigrate::registry {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

const system_clock::time_point t0 = system_clock::from_time_t(1'800'000'000);

ExpiringCredentials token(std::string password, system_clock::time_point expires_at) {
    return {Credentials{"AWS", std::move(password), ""}, expires_at};
}

// A clock the test moves, and a renewal that hands out numbered 12-hour tokens.
struct Fixture {
    system_clock::time_point now = t0;
    int issued = 0;
    bool failing = false;

    RenewableCredentials make(ExpiringCredentials initial) {
        return RenewableCredentials(
            std::move(initial),
            [this]() -> Expected<ExpiringCredentials> {
                if (failing)
                    return make_error(ErrorKind::unauthorized, "GetAuthorizationToken refused");
                return token("token-" + std::to_string(++issued), now + 12h);
            },
            [this] { return now; }, 60s);
    }
};

TEST(RenewalDue, ThirtyMinutesBeforeALongLivedTokenExpires) {
    EXPECT_EQ(renewal_due(t0, t0 + 12h), t0 + 12h - 30min);
}

TEST(RenewalDue, HalfWayThroughAShortLivedToken) {
    EXPECT_EQ(renewal_due(t0, t0 + 10min), t0 + 5min);
}

TEST(RenewalDue, AtOnceForATokenThatHasAlreadyExpired) {
    EXPECT_EQ(renewal_due(t0, t0 - 1min), t0 - 1min);
}

TEST(RenewableCredentials, ServesTheInitialCredentialsUntilRenewalIsDue) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.now = t0 + 11h;
    EXPECT_EQ(credentials.current()->password, "first");
    EXPECT_EQ(fixture.issued, 0);
}

TEST(RenewableCredentials, RenewsOnceWithinThirtyMinutesOfExpiry) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.now = t0 + 11h + 31min;
    EXPECT_EQ(credentials.current()->password, "token-1");
    EXPECT_EQ(credentials.current()->password, "token-1");
    EXPECT_EQ(fixture.issued, 1);
    EXPECT_EQ(credentials.renewals(), 1u);
}

TEST(RenewableCredentials, RenewsAgainAtTheNewTokensOwnDeadline) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.now = t0 + 12h;
    EXPECT_EQ(credentials.current()->password, "token-1");
    fixture.now = t0 + 23h;
    EXPECT_EQ(credentials.current()->password, "token-1");
    fixture.now = t0 + 23h + 45min;
    EXPECT_EQ(credentials.current()->password, "token-2");
}

TEST(RenewableCredentials, KeepsServingValidCredentialsWhileRenewalFails) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.failing = true;
    fixture.now = t0 + 11h + 45min;
    EXPECT_EQ(credentials.current()->password, "first");
}

TEST(RenewableCredentials, RetriesAFailedRenewalOnlyAfterThePause) {
    Fixture fixture;
    int attempts = 0;
    RenewableCredentials credentials(
        token("first", t0 + 12h),
        [&]() -> Expected<ExpiringCredentials> {
            ++attempts;
            return make_error(ErrorKind::network, "no route");
        },
        [&] { return fixture.now; }, 60s);
    fixture.now = t0 + 11h + 45min;
    credentials.current();
    fixture.now += 30s;
    credentials.current();
    EXPECT_EQ(attempts, 1);
    fixture.now += 31s;
    credentials.current();
    EXPECT_EQ(attempts, 2);
}

TEST(RenewableCredentials, FailsOnceTheCredentialsExpiredAndRenewalFailed) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.failing = true;
    fixture.now = t0 + 12h + 1s;
    auto now_expired = credentials.current();
    ASSERT_FALSE(now_expired);
    EXPECT_NE(now_expired.error().message.find("expired"), std::string::npos);
    fixture.now += 10s;  // within the retry pause: still the error, not the stale password
    EXPECT_FALSE(credentials.current());
}

TEST(RenewableCredentials, RecoversWhenRenewalSucceedsAgain) {
    Fixture fixture;
    auto credentials = fixture.make(token("first", t0 + 12h));
    fixture.failing = true;
    fixture.now = t0 + 12h + 1s;
    EXPECT_FALSE(credentials.current());
    fixture.failing = false;
    fixture.now += 61s;
    EXPECT_EQ(credentials.current()->password, "token-1");
}

TEST(RenewableCredentials, ConcurrentCallersShareOneRenewal) {
    std::atomic<int> issued{0};
    const auto now = t0 + 12h;
    RenewableCredentials credentials(
        token("first", t0 + 12h),
        [&]() -> Expected<ExpiringCredentials> {
            ++issued;
            std::this_thread::sleep_for(20ms);
            return token("renewed", now + 12h);
        },
        [&] { return now; }, 60s);
    std::vector<std::thread> callers;
    std::atomic<int> renewed_seen{0};
    for (int i = 0; i < 8; ++i) {
        callers.emplace_back([&] {
            if (credentials.current()->password == "renewed")
                ++renewed_seen;
        });
    }
    for (auto& caller : callers)
        caller.join();
    EXPECT_EQ(issued.load(), 1);
    EXPECT_EQ(renewed_seen.load(), 8);
}

}  // namespace
}  // namespace regmigrate::registry
