#include "engine/plan/tag_selector.hpp"

#include <algorithm>

namespace regmigrate::engine {

bool TagSelector::matches(std::string_view tag) const {
    if (!exact.empty() && std::find(exact.begin(), exact.end(), tag) == exact.end()) {
        return false;
    }
    if (pattern && !boost::regex_match(tag.begin(), tag.end(), *pattern))
        return false;
    if (!contains.empty() && tag.find(contains) == std::string_view::npos)
        return false;
    if (semver) {
        const auto version = parse_semver(tag);
        if (!version || !semver->contains(*version))
            return false;
    }
    return true;
}

namespace {

Expected<boost::regex> compile_with(std::string_view text, std::string_view origin,
                                    boost::regex::flag_type syntax) {
    try {
        return boost::regex(text.begin(), text.end(), syntax);
    } catch (const boost::regex_error& e) {
        return make_error(ErrorKind::invalid_argument, std::string(origin) +
                                                           ": invalid regular expression \"" +
                                                           std::string(text) + "\": " + e.what());
    }
}

}  // namespace

Expected<boost::regex> compile_regex(std::string_view text, std::string_view origin) {
    return compile_with(text, origin, boost::regex::perl);
}

Expected<boost::regex> compile_basic_regex(std::string_view text, std::string_view origin) {
    return compile_with(text, origin,
                        boost::regex::basic | boost::regex::bk_vbar | boost::regex::bk_plus_qm);
}

}  // namespace regmigrate::engine
