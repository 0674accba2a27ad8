#include "engine/run/tag_producer.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/layout/layout_sync.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "engine/v1/v1_listing.hpp"
#include "registry/hub/hub_listing_client.hpp"
#include "registry/name/reference.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// Tags of this many repositories are listed at once: one listing after another would hold
// the workers back by a round trip per repository where the source is far away.
constexpr std::size_t listing_width = 8;

// What a pair's source is listed through.
struct SourceLister {
    const SyncPair& pair;
    registry::RegistryClient* client;              // null: an OCI layout directory
    std::optional<std::filesystem::path> layouts;  // the directory of layouts, or nullopt
    bool v1 = false;
};

// Docker Hub has no catalog: an organization's repositories come from Hub's own API. Under
// a directory of layouts every layout is a repository, named by its relative path (the
// directory itself, or a layout not named like a repository, is none).
asio::awaitable<Expected<std::vector<std::string>>> list_source(const SourceLister& source) {
    const SyncPair& pair = source.pair;
    if (source.layouts) {
        auto found = find_oci_layouts(*source.layouts);
        if (!found)
            co_return found.error();
        std::erase_if(*found,
                      [](const std::string& name) { return !registry::is_valid_repository(name); });
        co_return found;
    }
    if (source.v1)
        co_return co_await list_v1_repositories(pair, *source.client);
    if (!pair.source_is_docker_hub())
        co_return co_await source.client->list_repositories();
    if (pair.hub_organization.empty()) {
        co_return make_error(ErrorKind::invalid_argument,
                             "Docker Hub has no catalog: name an organization (plan key "
                             "hub.organization, DOCKER_HUB_ORG) or the repositories");
    }
    registry::HubSource hub{pair.hub_organization};
    if (!pair.hub_api.empty())
        hub.api = pair.hub_api;
    co_return co_await registry::list_hub_repositories(source.client->http(), hub);
}

std::string describe(const SourceLister& source) {
    return source.layouts ? "oci:" + source.layouts->string() : source.client->host();
}

asio::awaitable<Expected<std::vector<std::string>>> repositories_of(const SourceLister& source) {
    const SyncPair& pair = source.pair;
    std::vector<std::string> selected;
    // Named repositories are taken as they are, but a directory is listed: it is local.
    if (!pair.repositories.empty() && !source.layouts) {
        selected = pair.repositories;
    } else {
        auto listed = co_await list_source(source);
        if (!listed)
            co_return with_context(listed.error(), "listing repositories of " + describe(source));
        for (auto& repository : *listed) {
            if (pair.selects_repository(repository))
                selected.push_back(std::move(repository));
        }
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    co_return selected;
}

// The tags of a repository a pair selects, and each listed tag that breaks the tag grammar
// (a layout's ref names are files anyone may have written).
struct SelectedTags {
    std::vector<std::string> tags;
    std::vector<Error> refused;
    std::vector<std::string> listed;  // every valid tag at the source (unlisted: the named ones)
};

Expected<std::vector<std::string>> layout_tags(const std::filesystem::path& directory) {
    auto layout = OciLayoutStore::open(directory, false);
    if (!layout)
        return layout.error();
    auto index = (*layout)->read_index();
    if (!index)
        return index.error();
    return index->ref_names();
}

asio::awaitable<Expected<SelectedTags>> tags_of(const SourceLister& source,
                                                const std::string& repository) {
    const SyncPair& pair = source.pair;
    SelectedTags selected;
    // Named tags need no listing, except in a layout, where listing is a file read, and
    // for --prune, which needs every tag the source serves.
    if (pair.tags.explicit_only() && !source.layouts && !pair.prune) {
        selected.tags = pair.tags.exact;
        selected.listed = pair.tags.exact;
        co_return selected;
    }
    Expected<std::vector<std::string>> listed = std::vector<std::string>();
    if (source.layouts) {
        listed = layout_tags(*source.layouts / repository);
    } else if (source.v1) {
        listed = co_await list_v1_tags(pair, *source.client, repository);
    } else {
        listed = co_await source.client->list_tags(repository);
    }
    if (!listed)
        co_return listed.error();
    for (auto& tag : *listed) {
        if (source.layouts) {
            const auto index_json =
                "oci:" + (*source.layouts / repository).string() + " index.json";
            if (auto valid = registry::check_tag(tag, index_json); !valid) {
                selected.refused.push_back(valid.error());
                continue;
            }
        }
        selected.listed.push_back(tag);
        const bool wanted = pair.tags.explicit_only()
                                ? std::find(pair.tags.exact.begin(), pair.tags.exact.end(), tag) !=
                                      pair.tags.exact.end()
                                : pair.tags.matches(tag);
        if (wanted)
            selected.tags.push_back(std::move(tag));
    }
    co_return selected;
}

}  // namespace

asio::awaitable<Expected<void>> produce_tasks(const SyncPlan& plan,
                                              const std::vector<registry::RegistryClient*>& sources,
                                              TaskQueue& queue, const ProducerHooks& hooks) {
    // One instant for the whole run: --newer-than 90d means the same cutoff for every tag.
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    bool pushed = false;
    for (std::size_t index = 0; index < plan.pairs.size(); ++index) {
        const SyncPair& pair = plan.pairs[index];
        const SourceLister source{pair, sources[index], layout_directory(pair.source),
                                  hooks.v1_source && hooks.v1_source(index)};
        auto repositories = co_await repositories_of(source);
        if (!repositories)
            co_return repositories.error();
        // Before listing tags, so each shard lists only its own repositories.
        std::vector<std::string> owned;
        for (auto& repository : *repositories) {
            if (plan.shard.owns(pair.destination_repository(repository)))
                owned.push_back(std::move(repository));
        }
        for (std::size_t first = 0; first < owned.size(); first += listing_width) {
            if (hooks.stopped())
                co_return Expected<void>{};
            const std::size_t count = std::min(listing_width, owned.size() - first);
            const auto source_repository = [&](std::size_t i) {
                const std::string& repository = owned[first + i];
                return source.layouts ? repository : pair.source_repository(repository);
            };
            std::vector<Expected<SelectedTags>> batch(count, SelectedTags{});
            const IndexedWork list = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
                batch[i] = co_await tags_of(source, source_repository(i));
                co_return Expected<void>{};
            };
            co_await for_each_bounded(count, listing_width, list);
            for (std::size_t i = 0; i < count; ++i) {
                const std::string& repository = owned[first + i];
                auto& listed = batch[i];
                const std::string destination = pair.destination_repository(repository);
                if (hooks.tags_listed) {
                    hooks.tags_listed(index, destination,
                                      listed ? Expected<std::vector<std::string>>(listed->listed)
                                             : Expected<std::vector<std::string>>(listed.error()));
                }
                if (!listed) {
                    hooks.listing_failed(pair, repository, listed.error());
                    continue;
                }
                for (const auto& refused : listed->refused)
                    hooks.listing_failed(pair, repository, refused);
                if (pair.recency.active() && hooks.date_tags) {
                    const auto dated =
                        co_await hooks.date_tags(index, source_repository(i), listed->tags);
                    auto decision = decide_recency(dated, pair.recency, now);
                    hooks.recency_decided(pair, source_repository(i), decision);
                    listed->tags = std::move(decision.kept);
                }
                hooks.repository_seen();
                for (auto& tag : listed->tags) {
                    if (hooks.stopped())
                        co_return Expected<void>{};
                    if (!pushed && hooks.before_first_push)
                        co_await hooks.before_first_push();
                    pushed = true;
                    ImageTask task{index, source_repository(i), std::move(tag), destination};
                    co_await queue.push(std::move(task));
                    co_await hooks.after_push();
                }
            }
        }
    }
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
