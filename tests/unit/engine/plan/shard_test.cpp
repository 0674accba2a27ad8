#include "engine/plan/shard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace regmigrate::engine {
namespace {

std::vector<std::string> many_names() {
    std::vector<std::string> names;
    for (int i = 0; i < 2000; ++i)
        names.push_back("team-" + std::to_string(i % 17) + "/app-" + std::to_string(i));
    return names;
}

// Expected values computed independently of this code, with Python:
//   def fnv1a64(s):
//       h = 14695981039346656037
//       for b in s.encode():
//           h = ((h ^ b) * 1099511628211) % 2**64
//       return h
TEST(ShardHash, IsFnv1a64OfTheName) {
    EXPECT_EQ(shard_hash(""), 14695981039346656037ull);
    EXPECT_EQ(shard_hash("a"), 12638187200555641996ull);  // the published FNV-1a test vector
    EXPECT_EQ(shard_hash("fleet/repo-0000"), 9688898278068236627ull);
    EXPECT_EQ(shard_hash("library/nginx"), 14389727803168906855ull);
    EXPECT_EQ(shard_hash("mirror/team/app"), 3811674572720041326ull);
}

TEST(Shard, OwnershipIsTheHashModuloTheCount) {
    EXPECT_TRUE((Shard{2, 3}.owns("fleet/repo-0000")));
    EXPECT_TRUE((Shard{1, 3}.owns("library/nginx")));
    EXPECT_TRUE((Shard{0, 3}.owns("mirror/team/app")));
    EXPECT_FALSE((Shard{0, 3}.owns("library/nginx")));
}

TEST(Shard, TheDefaultShardOwnsEverything) {
    for (const auto& name : many_names())
        EXPECT_TRUE(Shard{}.owns(name)) << name;
}

TEST(Shard, ShardsAreDisjointAndTheirUnionIsEveryName) {
    for (std::size_t count : {2u, 3u, 7u, 16u}) {
        for (const auto& name : many_names()) {
            int owners = 0;
            for (std::size_t index = 0; index < count; ++index)
                owners += Shard{index, count}.owns(name);
            EXPECT_EQ(owners, 1) << name << " over " << count << " shards";
        }
    }
}

TEST(Shard, EveryShardGetsAFairPart) {
    const auto names = many_names();
    for (std::size_t index = 0; index < 4; ++index) {
        std::size_t owned = 0;
        for (const auto& name : names)
            owned += Shard{index, 4}.owns(name);
        EXPECT_GT(owned, names.size() / 4 * 8 / 10) << "shard " << index;
        EXPECT_LT(owned, names.size() / 4 * 12 / 10) << "shard " << index;
    }
}

TEST(ParseShard, ReadsIndexAndCount) {
    const Shard shard = parse_shard("2/5").value();
    EXPECT_EQ(shard.index, 2u);
    EXPECT_EQ(shard.count, 5u);
    EXPECT_EQ(shard.to_string(), "2/5");
}

TEST(ParseShard, SingleShardIsTheWholePlan) {
    EXPECT_EQ(parse_shard("0/1").value().count, 1u);
}

void expect_invalid(const std::string& text, const std::string& why) {
    const auto parsed = parse_shard(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(parsed.error().message.find(why), std::string::npos) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("'" + text + "'"), std::string::npos)
        << parsed.error().message;
}

TEST(ParseShard, RejectsMissingSlash) {
    expect_invalid("3", "no '/'");
}

TEST(ParseShard, RejectsIndexNotBelowCount) {
    expect_invalid("3/3", "below the count");
    expect_invalid("4/3", "below the count");
}

TEST(ParseShard, RejectsZeroCount) {
    expect_invalid("0/0", "at least 1");
}

TEST(ParseShard, RejectsNonNumbers) {
    expect_invalid("a/3", "index I");
    expect_invalid("-1/3", "index I");
    expect_invalid("/3", "index I");
    expect_invalid("1/", "count N");
    expect_invalid("1/3x", "count N");
    expect_invalid("1/ 3", "count N");
    expect_invalid("1/3/4", "count N");
}

}  // namespace
}  // namespace regmigrate::engine
