// Which API a registry speaks: the OCI distribution API (v2) or docker's legacy v1 API.
#pragma once

#include "engine/plan/registry_side.hpp"

#include <optional>

namespace regmigrate::engine {

enum class RegistryApi { v2, v1 };

// Pure: from the status of GET /v2/ and, when it was asked, of GET /v1/_ping. /v2/ answering
// 200 or 401 (authentication wanted) is v2; otherwise /v1/_ping answering 200 is v1.
std::optional<RegistryApi> registry_api_from(int v2_status, std::optional<int> v1_ping_status);

// Probes the side without credentials: GET /v2/, then GET /v1/_ping. A registry that cannot
// be reached is that error; one that answers neither is ErrorKind::unsupported.
Expected<RegistryApi> detect_registry_api(const RegistrySide& side);

}  // namespace regmigrate::engine
