#include "tools/fleet/byte_source.hpp"

#include <algorithm>
#include <cstring>

namespace regmigrate::fleet {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// xorshift must never hold zero, so a zero seed is remapped.
ByteSource::ByteSource(std::uint64_t seed) : state_(derive_seed(seed, 0) | 1) {}

std::uint64_t ByteSource::next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
}

void ByteSource::fill(char* out, std::size_t size) {
    while (size > 0) {
        if (pending_offset_ == sizeof pending_) {
            pending_ = next();
            pending_offset_ = 0;
        }
        const std::size_t n = std::min(size, sizeof pending_ - pending_offset_);
        std::memcpy(out, reinterpret_cast<const char*>(&pending_) + pending_offset_, n);
        pending_offset_ += n;
        out += n;
        size -= n;
    }
}

std::string ByteSource::take(std::size_t size) {
    std::string out(size, '\0');
    fill(out.data(), size);
    return out;
}

}  // namespace regmigrate::fleet
