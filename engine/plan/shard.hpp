// --shard I/N: splits a plan over N processes (machines, Kubernetes Job pods) by a stable
// hash of each destination repository name, so every repository belongs to exactly one
// shard, the shards together are the whole plan, and a rerun puts it in the same shard.
#pragma once

#include "transport/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace regmigrate::engine {

struct Shard {
    std::size_t index = 0;  // I: 0 <= I < N
    std::size_t count = 1;  // N: a single shard is the whole plan

    // shard_hash(destination_repository) mod N == I.
    bool owns(std::string_view destination_repository) const;
    // "I/N", as parsed.
    std::string to_string() const;
};

// "I/N" with decimal I and N, N >= 1 and I < N. Anything else is invalid_argument with a
// message saying what is wrong.
Expected<Shard> parse_shard(std::string_view text);

// FNV-1a, 64 bit, over the bytes of the name: fixed by its published constants (offset
// basis 14695981039346656037, prime 1099511628211), so every build, platform and release
// agrees on the split — unlike std::hash, which may differ between standard libraries.
std::uint64_t shard_hash(std::string_view destination_repository);

}  // namespace regmigrate::engine
