// Docker Hub has no /v2/_catalog: an organization's repositories are listed through Hub's
// own API at hub.docker.com (https://docs.docker.com/reference/api/hub/latest/):
// GET /v2/namespaces/{org}/repositories?page_size=N, or the older
// GET /v2/repositories/{org}/?page_size=N, both answering
// {"count": C, "next": URL|null, "previous": URL|null, "results": [{"name", "namespace", ...}]}.
// Pure URL building and page parsing; the requests are in hub_listing_client.
#pragma once

#include "transport/error.hpp"

#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

inline constexpr std::string_view docker_hub_api = "https://hub.docker.com";
// Hub caps page_size at 100.
inline constexpr std::size_t hub_max_page_size = 100;

// Where and what to list when a sync source is Docker Hub.
struct HubSource {
    std::string organization;                       // "library" for the official images
    std::string api = std::string(docker_hub_api);  // listing API base URL (a fake in tests)
};

enum class HubEndpoint {
    namespaces,    // /v2/namespaces/{org}/repositories
    repositories,  // /v2/repositories/{org}/ (older; the fallback when the first answers 404)
};

// The first page's URL. Refuses an API base that is not an absolute http(s) URL without
// query or fragment, and an organization that is not one repository path component.
Expected<boost::urls::url> hub_listing_url(std::string_view api, std::string_view organization,
                                           HubEndpoint endpoint, std::size_t page_size);

struct HubPage {
    std::vector<std::string> repositories;  // "org/name"
    std::optional<boost::urls::url> next;
};

// One page: the results' names under `organization`, and `next` resolved against the
// request URL. A `next` on another scheme or host:port is refused (protocol error), as is
// a result whose name does not make a valid repository.
Expected<HubPage> parse_hub_page(std::string_view json, std::string_view organization,
                                 boost::urls::url_view request_url);

}  // namespace regmigrate::registry
