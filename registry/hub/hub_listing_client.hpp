// Lists a Docker Hub organization's repositories over HTTP (see hub_listing.hpp for the
// API): the namespaces endpoint first, the older repositories endpoint when that one
// answers 404, following `next` page by page. Anonymous: public repositories only.
#pragma once

#include "registry/hub/hub_listing.hpp"
#include "transport/http/http_client.hpp"

#include <string>
#include <vector>

namespace regmigrate::registry {

struct HubListingOptions {
    std::size_t page_size = hub_max_page_size;
    // Pages followed before giving up: a `next` chain this long is a loop, not an org.
    std::size_t max_pages = 10'000;
};

// "org/name" for every repository of source.organization, in the order Hub lists them.
boost::asio::awaitable<Expected<std::vector<std::string>>> list_hub_repositories(
    transport::HttpClient& http, const HubSource& source, HubListingOptions options = {});

}  // namespace regmigrate::registry
