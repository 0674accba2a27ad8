// Semantic versions read from image tags, and npm-style ranges to select them.
#pragma once

#include "transport/error.hpp"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

// MAJOR.MINOR.PATCH[-PRERELEASE]; build metadata is accepted when parsing and dropped
// because it never takes part in precedence.
struct SemVer {
    std::uint64_t major = 0, minor = 0, patch = 0;
    std::string prerelease;  // dot-separated identifiers, empty for a release

    // semver.org §11: numbers numerically; a prerelease sorts before its release;
    // prerelease identifiers compare numeric < alphanumeric, then field by field.
    std::strong_ordering operator<=>(const SemVer& other) const;
    bool operator==(const SemVer& other) const = default;

    std::string to_string() const;
};

// An optional leading 'v', then MAJOR[.MINOR[.PATCH]][-prerelease][+build]: "v1.2" is
// 1.2.0. Numbers take no leading zeros (semver.org §2), so "1.02" is not a version.
std::optional<SemVer> parse_semver(std::string_view tag);

// Space-separated comparators that must all hold, OR-ed groups separated by "||":
//   =V or V   exactly V; a partial V ("1.2") means any 1.2.x
//   >V >=V <V <=V   with partial V meaning the whole span: ">1" is ">=2.0.0", "<=3.1" is "<3.2.0"
//   ^V        up to the next change of the first non-zero of MAJOR.MINOR.PATCH
//   ~V        up to the next minor (or next major when only MAJOR is given)
// Prereleases follow npm: a version with a prerelease matches only a group that has a
// comparator with a prerelease on the same MAJOR.MINOR.PATCH (">=1.2.0-rc.1" admits
// 1.2.0-rc.2, never 1.3.0-beta).
class SemVerRange {
  public:
    static Expected<SemVerRange> parse(std::string_view text);
    bool contains(const SemVer& version) const;

    enum class Op { eq, lt, le, gt, ge };
    struct Comparator {
        Op op;
        SemVer version;
        bool holds(const SemVer& candidate) const;
    };

  private:
    std::vector<std::vector<Comparator>> groups_;  // OR of ANDs
};

}  // namespace regmigrate::engine
