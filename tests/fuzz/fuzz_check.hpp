// Invariant checks for the fuzz targets: a broken invariant aborts, which libFuzzer reports
// as a crash and saves the input that caused it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace regmigrate::fuzz {

inline void require(bool holds, const char* invariant) {
    if (!holds) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", invariant);
        std::abort();
    }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace regmigrate::fuzz
