#include "registry/auth/token_cache.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

using namespace std::chrono_literals;
const TokenCache::Clock::time_point t0{};

TEST(TokenCache, ServesATokenUntilItIsDueForRenewal) {
    TokenCache cache;
    cache.insert("repository:a:pull", "Bearer a", t0 + 50s, t0);
    ASSERT_NE(cache.find("repository:a:pull", t0 + 49s), nullptr);
    EXPECT_EQ(*cache.find("repository:a:pull", t0 + 49s), "Bearer a");
    EXPECT_EQ(cache.find("repository:a:pull", t0 + 50s), nullptr);
    EXPECT_EQ(cache.find("repository:b:pull", t0), nullptr);
}

TEST(TokenCache, ANewTokenForAScopeReplacesTheOld) {
    TokenCache cache(2);
    cache.insert("s", "Bearer old", t0 + 10s, t0);
    cache.insert("s", "Bearer new", t0 + 70s, t0 + 20s);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(*cache.find("s", t0 + 30s), "Bearer new");
}

TEST(TokenCache, AFullCacheDropsTheTokensDueFirst) {
    TokenCache cache(3);
    cache.insert("a", "Bearer a", t0 + 10s, t0);
    cache.insert("b", "Bearer b", t0 + 20s, t0);
    cache.insert("c", "Bearer c", t0 + 100s, t0);
    // At 25 s, a and b are due: both go, however full the cache was.
    cache.insert("d", "Bearer d", t0 + 125s, t0 + 25s);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_NE(cache.find("c", t0 + 25s), nullptr);
    EXPECT_NE(cache.find("d", t0 + 25s), nullptr);
}

TEST(TokenCache, WithNoTokenDueTheOneDueSoonestMakesRoom) {
    TokenCache cache(2);
    cache.insert("late", "Bearer late", t0 + 90s, t0);
    cache.insert("early", "Bearer early", t0 + 40s, t0);
    cache.insert("new", "Bearer new", t0 + 60s, t0 + 1s);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.find("early", t0 + 2s), nullptr);
    EXPECT_NE(cache.find("late", t0 + 2s), nullptr);
    EXPECT_NE(cache.find("new", t0 + 2s), nullptr);
}

TEST(TokenCache, AManyRepositoryRunStaysWithinTheBound) {
    TokenCache cache;
    for (int i = 0; i < 100000; ++i) {
        const auto now = t0 + std::chrono::milliseconds(i);
        cache.insert("repository:r" + std::to_string(i) + ":pull", "Bearer", now + 50s, now);
    }
    EXPECT_EQ(cache.size(), TokenCache::default_capacity);
}

TEST(TokenCache, EraseAndClearForgetTokens) {
    TokenCache cache;
    cache.insert("a", "Bearer a", t0 + 50s, t0);
    cache.insert("b", "Bearer b", t0 + 50s, t0);
    cache.erase("a");
    EXPECT_EQ(cache.find("a", t0), nullptr);
    EXPECT_NE(cache.find("b", t0), nullptr);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace regmigrate::registry
