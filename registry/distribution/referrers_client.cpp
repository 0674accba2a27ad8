// RegistryClient::list_referrers: the referrers API, page by page.
#include "registry/distribution/link_header.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/types/media_types.hpp"
#include "registry/types/referrers.hpp"
#include "transport/retry/retry_wait.hpp"

#include <set>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

struct ReferrersPage {
    std::vector<Descriptor> referrers;
    std::optional<boost::urls::url> next;
};

}  // namespace

asio::awaitable<Expected<std::optional<std::vector<Descriptor>>>> RegistryClient::list_referrers(
    std::string_view repo, std::string_view digest, std::vector<std::string> artifact_types) {
    auto url = url_for("/v2/" + std::string(repo) + "/referrers/" + std::string(digest));
    // The API filters by one type. A registry that does not filter (no OCI-Filters-Applied
    // header) answers with every referrer, so the answer is always filtered here as well.
    if (artifact_types.size() == 1)
        url.params().append({"artifactType", artifact_types.front()});
    const std::string context =
        "referrers " + host_ + "/" + std::string(repo) + "@" + std::string(digest);
    std::vector<Descriptor> all;
    std::set<std::string> seen;
    for (std::size_t page = 0;; ++page) {
        if (page >= options_.max_pages || !seen.insert(std::string(url.buffer())).second) {
            co_return make_error(ErrorKind::protocol, context + ": pagination does not end (page " +
                                                          std::to_string(page + 1) +
                                                          " repeats or exceeds the limit)");
        }
        // Only the first page's 404 means "no referrers API": later pages must exist.
        const bool first = page == 0;
        auto attempt = [&](transport::RetryAttempts* attempts)
            -> asio::awaitable<Expected<std::optional<ReferrersPage>>> {
            transport::HttpRequest request;
            request.url = url;
            request.headers.set(http::field::accept, media_type::oci_index);
            auto response = co_await send(std::move(request), pull_scope(repo), attempts);
            if (!response)
                co_return response.error();
            if (response->status() == 404 && first) {
                co_await response->discard();
                co_return std::optional<ReferrersPage>{};
            }
            if (response->status() != 200)
                co_return co_await explain_response(*response, context);
            auto body = co_await response->read_all(max_manifest_bytes);
            if (!body)
                co_return with_context(body.error(), context);
            auto referrers = parse_referrers(*body, response->header("Content-Type"));
            if (!referrers)
                co_return with_context(referrers.error(), context);
            ReferrersPage result{std::move(*referrers), {}};
            const std::string link = response->header("Link");
            if (!link.empty()) {
                auto following = next_page_url(link, url);
                if (!following)
                    co_return with_context(following.error(), context);
                result.next = std::move(*following);
            }
            co_return std::optional<ReferrersPage>{std::move(result)};
        };
        auto fetched = co_await transport::retry_operation<std::optional<ReferrersPage>>(
            options_.retry.get(), context, attempt);
        if (!fetched)
            co_return fetched.error();
        if (!*fetched)
            co_return std::optional<std::vector<Descriptor>>{};
        auto& got = **fetched;
        auto kept = select_by_artifact_type(std::move(got.referrers), artifact_types);
        all.insert(all.end(), std::make_move_iterator(kept.begin()),
                   std::make_move_iterator(kept.end()));
        if (!got.next)
            break;
        url = std::move(*got.next);
    }
    co_return std::optional<std::vector<Descriptor>>{std::move(all)};
}

}  // namespace regmigrate::registry
