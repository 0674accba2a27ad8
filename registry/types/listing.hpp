// Catalog and tag list bodies: {"repositories": [...]} and {"name": ..., "tags": [...]}.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

// The strings under `key` (a missing or null list is empty). Refuses non-JSON bodies and
// non-string entries.
Expected<std::vector<std::string>> parse_string_list(std::string_view json, std::string_view key);

// Checks each listed name against the grammar of what it names ("repositories": repository
// names, "tags": tags) before any URL is built from it: a hostile listing ("../../x",
// uppercase, over-long names) is refused naming the first bad entry.
Expected<void> check_listed_names(const std::vector<std::string>& names, std::string_view key);

}  // namespace regmigrate::registry
