#include "registry/content/sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace regmigrate::registry {
namespace {

constexpr auto empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr auto abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256, HashesEmptyInput) {
    Sha256 hasher;
    EXPECT_EQ(hasher.finish_hex(), empty_sha256);
}

TEST(Sha256, MatchesKnownVectorForAbc) {
    EXPECT_EQ(sha256_digest("abc"), std::string("sha256:") + abc_sha256);
}

TEST(Sha256, StreamedChunksHashLikeOneBuffer) {
    const std::string data(100000, 'z');
    Sha256 hasher;
    for (std::size_t i = 0; i < data.size(); i += 4093) {
        hasher.update(std::string_view(data).substr(i, 4093));
    }
    EXPECT_EQ(hasher.finish_digest(), sha256_digest(data));
}

TEST(Sha256, FinishResetsForTheNextMessage) {
    Sha256 hasher;
    hasher.update("abc");
    EXPECT_EQ(hasher.finish_hex(), abc_sha256);
    EXPECT_EQ(hasher.finish_hex(), empty_sha256);
}

TEST(Sha256, MovedHasherKeepsItsState) {
    Sha256 first;
    first.update("a");
    Sha256 second = std::move(first);
    second.update("bc");
    EXPECT_EQ(second.finish_hex(), abc_sha256);
}

TEST(Sha256, RawPointerUpdateMatchesStringUpdate) {
    const unsigned char bytes[] = {'a', 'b', 'c'};
    Sha256 hasher;
    hasher.update(bytes, sizeof bytes);
    EXPECT_EQ(hasher.finish_hex(), abc_sha256);
}

static_assert(!std::is_copy_constructible_v<Sha256>);
static_assert(std::is_nothrow_move_constructible_v<Sha256>);

}  // namespace
}  // namespace regmigrate::registry
