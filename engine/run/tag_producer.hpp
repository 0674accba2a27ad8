// Enumerates a plan into image tasks: repositories (catalog with pagination, or the
// explicit list), filtered; their tags, filtered (by name, then by the recency filters);
// pushed into the bounded queue.
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "engine/run/task_queue.hpp"
#include "registry/distribution/registry_client.hpp"

#include <functional>
#include <vector>

namespace regmigrate::engine {

struct ProducerHooks {
    std::function<bool()> stopped;  // abort requested: stop enumerating
    // Awaited once, before the first task is queued (what the workers need first).
    std::function<boost::asio::awaitable<void>()> before_first_push;
    // Called after each task is queued; the producer awaits it (increments wait here).
    std::function<boost::asio::awaitable<void>()> after_push;
    // A repository whose tags could not be listed: reported, the run goes on.
    std::function<void(const SyncPair&, const std::string& repository, const Error&)>
        listing_failed;
    std::function<void()> repository_seen;
    // Every repository of every pair (as named at the destination), before its tasks: every
    // tag the source serves (unfiltered; a pair that prunes always lists), or why they
    // could not be listed. For sync --prune (engine/prune/prune_phase.hpp).
    std::function<void(std::size_t pair, const std::string& destination_repository,
                       const Expected<std::vector<std::string>>& source_tags)>
        tags_listed;
    // Whether pair i's source speaks the legacy v1 API (listed by engine/v1/v1_listing.hpp).
    std::function<bool(std::size_t pair)> v1_source;
    // A pair with recency filters: the creation date of each selected tag of a repository
    // (engine/run/created_dates.hpp), and what the filters then decided.
    std::function<boost::asio::awaitable<std::vector<DatedTag>>(
        std::size_t pair, const std::string& source_repository,
        const std::vector<std::string>& tags)>
        date_tags;
    std::function<void(const SyncPair&, const std::string& source_repository,
                       const RecencyDecision&)>
        recency_decided;
};

// sources[i] is the client for plan.pairs[i].source, null for a directory of OCI layouts
// ("oci:DIR"; every layout under it is a repository, its ref names the tags). Errors only
// when a catalog cannot be listed (nothing of that pair can be planned).
boost::asio::awaitable<Expected<void>> produce_tasks(
    const SyncPlan& plan, const std::vector<registry::RegistryClient*>& sources, TaskQueue& queue,
    const ProducerHooks& hooks);

}  // namespace regmigrate::engine
