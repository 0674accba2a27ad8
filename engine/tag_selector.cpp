#include "engine/tag_selector.hpp"

#include <algorithm>

namespace regmigrate::engine {

bool TagSelector::matches(std::string_view tag) const {
    if (!exact.empty() && std::find(exact.begin(), exact.end(), tag) == exact.end()) {
        return false;
    }
    if (pattern && !boost::regex_match(tag.begin(), tag.end(), *pattern))
        return false;
    if (semver) {
        const auto version = parse_semver(tag);
        if (!version || !semver->contains(*version))
            return false;
    }
    return true;
}

Expected<boost::regex> compile_regex(std::string_view text, std::string_view origin) {
    try {
        return boost::regex(text.begin(), text.end(), boost::regex::perl);
    } catch (const boost::regex_error& e) {
        return make_error(ErrorKind::invalid_argument, std::string(origin) +
                                                           ": invalid regular expression \"" +
                                                           std::string(text) + "\": " + e.what());
    }
}

}  // namespace regmigrate::engine
