#include "registry/auth/token_renewal.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(RenewalMargin, IsTheLongestMarginForLongLives) {
    EXPECT_EQ(renewal_margin(12h, 30min), milliseconds(30min));
    EXPECT_EQ(renewal_margin(300s, 10s), milliseconds(10s));
}

TEST(RenewalMargin, IsHalfTheLifetimeWhenThatIsShorter) {
    EXPECT_EQ(renewal_margin(10min, 30min), milliseconds(5min));
    EXPECT_EQ(renewal_margin(2s, 10s), milliseconds(1s));
}

TEST(RenewalMargin, IsZeroForNoLifeLeft) {
    EXPECT_EQ(renewal_margin(0ms, 10s), 0ms);
    EXPECT_EQ(renewal_margin(-5s, 10s), 0ms);
}

TEST(BearerTokenRenewal, ASixtySecondTokenIsRenewedTenSecondsEarly) {
    EXPECT_EQ(bearer_token_renewal(60s), milliseconds(50s));
}

TEST(BearerTokenRenewal, ATwoSecondTokenIsRenewedAfterOneSecond) {
    EXPECT_EQ(bearer_token_renewal(2s), milliseconds(1s));
}

TEST(BearerTokenRenewal, AOneSecondTokenServesHalfASecond) {
    EXPECT_EQ(bearer_token_renewal(1s), 500ms);
}

TEST(BearerTokenRenewal, ALongTokenServesAllButTenSeconds) {
    EXPECT_EQ(bearer_token_renewal(1h), milliseconds(1h - 10s));
}

TEST(BearerTokenRenewal, IsAlwaysBeforeTheTokenExpires) {
    for (int seconds = 1; seconds <= 120; ++seconds) {
        const auto lifetime = std::chrono::seconds(seconds);
        EXPECT_LT(bearer_token_renewal(lifetime), lifetime) << seconds;
        EXPECT_GT(bearer_token_renewal(lifetime), 0ms) << seconds;
    }
}

}  // namespace
}  // namespace regmigrate::registry
