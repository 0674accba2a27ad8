#include "engine/copy/digest_set.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::engine {
namespace {

std::string digest(int i) {
    return "sha256:" + std::string(58, '0') + std::to_string(100000 + i);
}

TEST(DigestSet, InsertsABlobOnce) {
    DigestSet set;
    EXPECT_TRUE(set.insert("dst.example", digest(1)));
    EXPECT_FALSE(set.insert("dst.example", digest(1)));
    EXPECT_EQ(set.size(), 1u);
}

TEST(DigestSet, SameDigestInAnotherRegistryIsAnotherBlob) {
    DigestSet set;
    EXPECT_TRUE(set.insert("one.example", digest(1)));
    EXPECT_TRUE(set.insert("two.example", digest(1)));
    EXPECT_EQ(set.size(), 2u);
}

TEST(DigestSet, KeepsEveryBlobAcrossGrowth) {
    DigestSet set;
    for (int i = 0; i < 50000; ++i)
        ASSERT_TRUE(set.insert("dst.example", digest(i))) << i;
    for (int i = 0; i < 50000; ++i)
        ASSERT_FALSE(set.insert("dst.example", digest(i))) << i;
    EXPECT_EQ(set.size(), 50000u);
}

TEST(DigestSet, HoldsABlobInAtMostTwentyBytes) {
    DigestSet set;
    for (int i = 0; i < 100000; ++i)
        set.insert("dst.example", digest(i));
    // 8 bytes a slot, the table between 7/16 and 7/8 full.
    EXPECT_LE(set.table_bytes(), 100000u * 20);
}

}  // namespace
}  // namespace regmigrate::engine
