// Enumeration of a v1 source for the tag producer: repositories by /v1/search (every page,
// empty query) or the pair's explicit list, tags by /v1/repositories/NS/REPO/tags.
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/v1/v1_client.hpp"

#include <string>
#include <vector>

namespace regmigrate::engine {

// The v1 API of a pair's source over the same connections as its registry client.
registry::V1Client v1_client(const SyncPair& pair, registry::RegistryClient& source);

boost::asio::awaitable<Expected<std::vector<std::string>>> list_v1_repositories(
    const SyncPair& pair, registry::RegistryClient& source);
boost::asio::awaitable<Expected<std::vector<std::string>>> list_v1_tags(
    const SyncPair& pair, registry::RegistryClient& source, const std::string& repository);

}  // namespace regmigrate::engine
