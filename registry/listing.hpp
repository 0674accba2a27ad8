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

}  // namespace regmigrate::registry
