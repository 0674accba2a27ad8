#include "engine/referrers/referrer_finder.hpp"

#include "registry/types/referrers.hpp"

#include <deque>
#include <set>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::RegistryClient;

asio::awaitable<Expected<ReferrerTagCache::Tags>> ReferrerTagCache::tags(
    RegistryClient& client, const std::string& repository) {
    co_return co_await listings_.get(
        client.host() + '\n' + repository, [&]() -> asio::awaitable<Expected<Tags>> {
            auto listed = co_await client.list_tags(repository);
            if (!listed)
                co_return listed.error();
            co_return std::make_shared<const std::vector<std::string>>(std::move(*listed));
        });
}

namespace {

// The referrers tag schema's index: its (selected) entries, then, without a filter, itself.
asio::awaitable<Expected<void>> add_index_entries(RegistryClient& source,
                                                  const std::string& repository,
                                                  const std::string& tag,
                                                  const ReferrerOptions& options,
                                                  std::vector<Referrer>& found) {
    auto index = co_await source.get_manifest(repository, tag);
    if (!index)
        co_return index.error();
    if (!index->manifest.is_index()) {
        co_return make_error(ErrorKind::protocol, source.host() + "/" + repository + ":" + tag +
                                                      " is not a referrers index");
    }
    for (auto& entry :
         registry::select_by_artifact_type(index->manifest.manifests, options.artifact_types)) {
        found.push_back({entry.digest, entry.digest});
    }
    if (options.artifact_types.empty())
        found.push_back({tag, index->digest, false});
    co_return Expected<void>{};
}

asio::awaitable<Expected<std::vector<Referrer>>> find_by_tags(RegistryClient& source,
                                                              const std::string& repository,
                                                              const std::string& subject,
                                                              const ReferrerOptions& options,
                                                              ReferrerTagCache& cache) {
    auto tags = co_await cache.tags(source, repository);
    if (!tags)
        co_return tags.error();
    const auto names = registry::tag_schema_referrers(subject, **tags);
    std::vector<Referrer> found;
    if (names.index_tag) {
        auto added =
            co_await add_index_entries(source, repository, *names.index_tag, options, found);
        if (!added)
            co_return added.error();
    }
    if (!options.artifact_types.empty())
        co_return found;
    for (const auto& tag : names.cosign_tags) {
        auto head = co_await source.head_manifest(repository, tag);
        if (!head)
            co_return head.error();
        if (*head)  // deleted since the listing: nothing to copy
            found.push_back({tag, (*head)->digest});
    }
    co_return found;
}

}  // namespace

asio::awaitable<Expected<std::vector<Referrer>>> find_referrers(RegistryClient& source,
                                                                const std::string& repository,
                                                                const std::string& subject,
                                                                const ReferrerOptions& options,
                                                                ReferrerTagCache& cache) {
    auto listed = co_await source.list_referrers(repository, subject, options.artifact_types);
    if (!listed)
        co_return listed.error();
    if (!*listed)
        co_return co_await find_by_tags(source, repository, subject, options, cache);
    std::vector<Referrer> found;
    for (const auto& descriptor : **listed)
        found.push_back({descriptor.digest, descriptor.digest});
    co_return found;
}

asio::awaitable<Expected<void>> walk_referrers(
    RegistryClient& source, const std::string& repository, const std::string& subject,
    const ReferrerOptions& options, ReferrerTagCache& cache, const ReferrerVisit& visit) {
    std::set<std::string> visited;                 // references visited
    std::set<std::string> subjects_seen{subject};  // digests whose referrers were looked for
    std::deque<std::pair<std::string, std::size_t>> subjects{{subject, 0}};
    while (!subjects.empty()) {
        auto [digest, depth] = std::move(subjects.front());
        subjects.pop_front();
        if (depth >= options.max_depth)
            continue;
        auto found = co_await find_referrers(source, repository, digest, options, cache);
        if (!found)
            co_return with_context(found.error(), "referrers of " + digest);
        for (const auto& referrer : *found) {
            if (!visited.insert(referrer.reference).second)
                continue;
            auto visited_ok = co_await visit(referrer);
            if (!visited_ok)
                co_return visited_ok.error();
            if (referrer.follow && subjects_seen.insert(referrer.digest).second)
                subjects.emplace_back(referrer.digest, depth + 1);
        }
    }
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
