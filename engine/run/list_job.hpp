// `regmigrate ls`: repositories of a registry, or tags of one repository.
#pragma once

#include "engine/plan/registry_side.hpp"

#include <optional>
#include <string>
#include <vector>

namespace regmigrate::engine {

Expected<std::vector<std::string>> run_listing(const RegistrySide& side,
                                               const std::optional<std::string>& repository);

}  // namespace regmigrate::engine
