// Whether this translation unit is built with AddressSanitizer or ThreadSanitizer
// (tools/setup/sanitize.sh); GCC and clang announce them differently.
#pragma once

namespace regmigrate::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define REGMIGRATE_TESTS_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define REGMIGRATE_TESTS_UNDER_SANITIZER 1
#endif
#endif

// Sanitizer runtimes hold freed memory in quarantine and add shadow memory, so a child's
// peak RSS says nothing about regmigrate's own bounds there: tests check them only when true.
#ifdef REGMIGRATE_TESTS_UNDER_SANITIZER
inline constexpr bool kPeakRssIsMeaningful = false;
#else
inline constexpr bool kPeakRssIsMeaningful = true;
#endif

}  // namespace regmigrate::testing
