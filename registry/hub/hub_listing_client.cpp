#include "registry/hub/hub_listing_client.hpp"

#include "registry/distribution/registry_client.hpp"

#include <set>

namespace regmigrate::registry {

namespace asio = boost::asio;

namespace {

constexpr std::size_t max_page_body = 16 * 1024 * 1024;

// Every page from `url` on; nullopt when the first page answers 404 (no such endpoint).
asio::awaitable<Expected<std::optional<std::vector<std::string>>>> list_from(
    transport::HttpClient& http, const HubSource& source, boost::urls::url url,
    const HubListingOptions& options) {
    std::vector<std::string> all;
    std::set<std::string> seen;
    for (std::size_t page = 0;; ++page) {
        const std::string context =
            "listing Docker Hub organization " + source.organization + " (" +
            transport::describe_request(transport::http::verb::get, url) + ")";
        if (page >= options.max_pages || !seen.insert(std::string(url.buffer())).second) {
            co_return make_error(ErrorKind::protocol, context + ": pagination does not end (page " +
                                                          std::to_string(page + 1) +
                                                          " repeats or exceeds the limit)");
        }
        transport::HttpRequest request;
        request.url = url;
        request.headers.set(transport::http::field::accept, "application/json");
        auto response = co_await http.send(std::move(request));
        if (!response)
            co_return with_context(response.error(), context);
        if (page == 0 && response->status() == 404) {
            co_await response->discard();
            co_return std::optional<std::vector<std::string>>{};
        }
        if (response->status() != 200)
            co_return co_await explain_response(*response, context);
        auto body = co_await response->read_all(max_page_body);
        if (!body)
            co_return with_context(body.error(), context);
        auto parsed = parse_hub_page(*body, source.organization, url);
        if (!parsed)
            co_return with_context(parsed.error(), context);
        all.insert(all.end(), parsed->repositories.begin(), parsed->repositories.end());
        if (!parsed->next)
            break;
        url = std::move(*parsed->next);
    }
    co_return std::optional<std::vector<std::string>>{std::move(all)};
}

}  // namespace

asio::awaitable<Expected<std::vector<std::string>>> list_hub_repositories(
    transport::HttpClient& http, const HubSource& source, HubListingOptions options) {
    for (const auto endpoint : {HubEndpoint::namespaces, HubEndpoint::repositories}) {
        auto url = hub_listing_url(source.api, source.organization, endpoint, options.page_size);
        if (!url)
            co_return url.error();
        auto listed = co_await list_from(http, source, std::move(*url), options);
        if (!listed)
            co_return listed.error();
        if (*listed)
            co_return std::move(**listed);
    }
    co_return make_error(
        ErrorKind::not_found,
        "Docker Hub organization " + source.organization + " not found at " + source.api, 404);
}

}  // namespace regmigrate::registry
