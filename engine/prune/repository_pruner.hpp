// sync --prune, the I/O for one destination repository: lists its tags, reads the digests
// they point at, and sends the DELETEs PruneFsm (engine/prune/prune_fsm.hpp) decides.
#pragma once

#include "engine/prune/prune_fsm.hpp"
#include "registry/distribution/registry_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::engine {

struct RepositoryPruneRequest {
    std::string repository;             // at the destination
    std::set<std::string> source_tags;  // every tag the source serves, from a complete listing
    std::function<bool(std::string_view tag)> in_plan;  // the plan's tag filters
    bool dry_run = false;                               // results are planned; nothing is sent
};

struct RepositoryPruneResult {
    std::vector<TagDeletionResult> tags;
    // Why the repository was not (fully) pruned: a listing or reading error, or the
    // registry's refusal. Set, nothing more was deleted.
    std::optional<Error> error;
};

// support: what the destination registry is known to do with a tag alone; updated from its
// answers. stopped: asked before every DELETE; true leaves the rest of the repository be.
boost::asio::awaitable<RepositoryPruneResult> prune_repository(
    registry::RegistryClient& destination, const RepositoryPruneRequest& request,
    TagDeletion& support, const std::function<bool()>& stopped);

}  // namespace regmigrate::engine
