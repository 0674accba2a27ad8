// Deterministic pseudo-random bytes: the same seed always yields the same blob, so
// fleets are reproducible and a 256 MiB layer is produced on the fly, never stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace regmigrate::fleet {

// Combines a seed with an index into an independent seed (splitmix64 finaliser), so
// "base layer 3 of seed 42" is stable and unrelated to "base layer 4".
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

// xorshift64* stream. Output does not depend on how it is sliced into fill() calls.
class ByteSource {
  public:
    explicit ByteSource(std::uint64_t seed);
    void fill(char* out, std::size_t size);
    std::string take(std::size_t size);

  private:
    std::uint64_t next();

    std::uint64_t state_;
    std::uint64_t pending_ = 0;                           // last word, partly handed out
    std::size_t pending_offset_ = sizeof(std::uint64_t);  // bytes of it already used
};

}  // namespace regmigrate::fleet
