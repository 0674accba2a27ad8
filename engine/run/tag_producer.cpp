#include "engine/run/tag_producer.hpp"

#include "engine/v1/v1_listing.hpp"
#include "registry/hub/hub_listing_client.hpp"

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// Docker Hub has no catalog: an organization's repositories come from Hub's own API.
asio::awaitable<Expected<std::vector<std::string>>> list_source(const SyncPair& pair,
                                                                registry::RegistryClient& source,
                                                                bool v1) {
    if (v1)
        co_return co_await list_v1_repositories(pair, source);
    if (!pair.source_is_docker_hub())
        co_return co_await source.list_repositories();
    if (pair.hub_organization.empty()) {
        co_return make_error(ErrorKind::invalid_argument,
                             "Docker Hub has no catalog: name an organization (plan key "
                             "hub.organization, DOCKER_HUB_ORG) or the repositories");
    }
    registry::HubSource hub{pair.hub_organization};
    if (!pair.hub_api.empty())
        hub.api = pair.hub_api;
    co_return co_await registry::list_hub_repositories(source.http(), hub);
}

asio::awaitable<Expected<std::vector<std::string>>> repositories_of(
    const SyncPair& pair, registry::RegistryClient& source, bool v1) {
    std::vector<std::string> selected;
    if (!pair.repositories.empty()) {
        selected = pair.repositories;
    } else {
        auto listed = co_await list_source(pair, source, v1);
        if (!listed)
            co_return with_context(listed.error(), "listing repositories of " + source.host());
        for (auto& repository : *listed) {
            if (pair.selects_repository(repository))
                selected.push_back(std::move(repository));
        }
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    co_return selected;
}

asio::awaitable<Expected<std::vector<std::string>>> tags_of(const SyncPair& pair,
                                                            registry::RegistryClient& source,
                                                            const std::string& repository,
                                                            bool v1) {
    if (v1)
        co_return co_await list_v1_tags(pair, source, repository);
    co_return co_await source.list_tags(repository);
}

}  // namespace

asio::awaitable<Expected<void>> produce_tasks(const SyncPlan& plan,
                                              const std::vector<registry::RegistryClient*>& sources,
                                              TaskQueue& queue, const ProducerHooks& hooks) {
    for (std::size_t index = 0; index < plan.pairs.size(); ++index) {
        const SyncPair& pair = plan.pairs[index];
        if (!sources[index])
            continue;  // an OCI layout source: see produce_layout_tasks
        const bool v1 = hooks.v1_source && hooks.v1_source(index);
        auto repositories = co_await repositories_of(pair, *sources[index], v1);
        if (!repositories)
            co_return repositories.error();
        for (const auto& repository : *repositories) {
            if (hooks.stopped())
                co_return Expected<void>{};
            const std::string destination = pair.destination_repository(repository);
            // Before listing tags, so each shard lists only its own repositories.
            if (!plan.shard.owns(destination))
                continue;
            const std::string source_repository = pair.source_repository(repository);
            std::vector<std::string> tags;
            if (pair.tags.explicit_only()) {
                tags = pair.tags.exact;
            } else {
                auto listed = co_await tags_of(pair, *sources[index], source_repository, v1);
                if (!listed) {
                    hooks.listing_failed(pair, repository, listed.error());
                    continue;
                }
                for (auto& tag : *listed) {
                    if (pair.tags.matches(tag))
                        tags.push_back(std::move(tag));
                }
            }
            hooks.repository_seen();
            for (auto& tag : tags) {
                if (hooks.stopped())
                    co_return Expected<void>{};
                ImageTask task{index, source_repository, std::move(tag), destination};
                co_await queue.push(std::move(task));
                co_await hooks.after_push();
            }
        }
    }
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
