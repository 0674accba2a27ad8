// Which tags of a repository a sync copies: an explicit list, a pattern, a semver range,
// a substring.
#pragma once

#include "engine/plan/semver.hpp"
#include "transport/error.hpp"

#include <boost/regex.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::engine {

struct TagSelector {
    std::vector<std::string> exact;       // non-empty: the tag must be one of these
    std::optional<boost::regex> pattern;  // the whole tag must match (boost::regex_match)
    std::optional<SemVerRange> semver;    // the tag must parse as semver and be in range
    std::string contains;                 // non-empty: the tag must contain this text

    // Every criterion given must hold; with none given every tag is selected.
    bool matches(std::string_view tag) const;
    // Only an explicit list: its tags can be copied without listing the repository's tags.
    bool explicit_only() const { return !exact.empty() && !pattern && !semver && contains.empty(); }
};

// A Perl-syntax regex; a syntax error names origin (e.g. "--tag" or
// "sync[0].tag_regex (line 12)") and the regex text.
Expected<boost::regex> compile_regex(std::string_view text, std::string_view origin);
// A grep basic regular expression (GNU flavour: \( \) groups, \| alternation, \+ and \?;
// a bare + ? | ( ) is literal), for the migrator's V1_REPO_FILTER; errors as compile_regex.
Expected<boost::regex> compile_basic_regex(std::string_view text, std::string_view origin);

}  // namespace regmigrate::engine
