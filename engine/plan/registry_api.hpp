// Which API a registry speaks: the OCI distribution API (v2) or docker's legacy v1 API.
#pragma once

#include "engine/plan/registry_side.hpp"

#include <optional>
#include <string_view>

namespace regmigrate::engine {

enum class RegistryApi { v2, v1 };

// Pure: from the status of GET /v2/ and, when it was asked, of GET /v1/_ping. /v2/ answering
// 200 or 401 (authentication wanted) is v2; otherwise /v1/_ping answering 200 is v1.
std::optional<RegistryApi> registry_api_from(int v2_status, std::optional<int> v1_ping_status);

// What a registry answered to GET /v2/ without credentials, and to GET /v1/_ping when that
// was not the v2 API.
struct ApiProbe {
    int v2_status = 0;
    std::optional<int> v1_status;  // not asked, or no answer
    std::optional<RegistryApi> api;
};

// Asks host through http (no credentials are sent). A registry that cannot be reached is
// that error; one that answers neither API is an ApiProbe without api.
boost::asio::awaitable<Expected<ApiProbe>> probe_registry_api(transport::HttpClient& http,
                                                              std::string_view host);

// Probes the side on a loop of its own. A registry that cannot be reached is that error;
// one that answers neither API is ErrorKind::unsupported, naming both statuses.
Expected<RegistryApi> detect_registry_api(const RegistrySide& side);

}  // namespace regmigrate::engine
