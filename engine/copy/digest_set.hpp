// Which blobs a dry run has already counted, per destination registry, in 8 bytes each: a
// dry run's size after dedupe needs every blob it met, and a million tags' digests held as
// strings in a std::set cost about 200 bytes per blob. A blob is the first 64 bits of
// SHA-256("registry digest"), kept in an open-addressing table. Two blobs share those bits
// with a probability of 2^-64 per pair: among the two million blobs of a million-tag fleet,
// about one chance in ten million that some pair does, which would leave one blob's bytes
// out of the dry run's estimate (no copy decision rests on this set).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

class DigestSet {
  public:
    // True when the blob was not in the set yet (it is now).
    bool insert(std::string_view registry, std::string_view digest);
    std::size_t size() const { return size_; }
    // Bytes the table holds (slots × 8), for the benchmark's accounting.
    std::size_t table_bytes() const { return slots_.size() * sizeof(Key); }

  private:
    using Key = std::uint64_t;  // 0 marks an empty slot
    static Key key_of(std::string_view registry, std::string_view digest);
    // The slot holding key, else the empty slot where it belongs (the table has room).
    std::size_t slot_for(const Key& key) const;
    void grow();

    std::vector<Key> slots_;  // a power of two in size, at most 7/8 full
    std::size_t size_ = 0;
};

}  // namespace regmigrate::engine
