// Sums of byte counts a server supplies (descriptor sizes from manifests, announced
// lengths): a hostile manifest may claim sizes near 2^64, and a wrapped sum would let a
// budget admit everything or report a tiny total. Such sums saturate instead.
#pragma once

#include <cstdint>
#include <limits>

namespace regmigrate::engine {

constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
    return b > std::numeric_limits<std::uint64_t>::max() - a
               ? std::numeric_limits<std::uint64_t>::max()
               : a + b;
}

}  // namespace regmigrate::engine
