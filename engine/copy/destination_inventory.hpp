// Which destination repositories existed when a sync began, from the destination's catalog.
// A repository absent from it holds only what this run pushes there, and the blob ledger
// knows all of that: its tags need no HEAD for skip-existing and its blobs no HEAD before an
// upload. That is two to three requests per image saved on a first migration.
// Without a catalog (refused, unsupported) every repository counts as existing, so the
// answer errs towards asking; when a catalog hides a repository that holds blobs, the cost
// is re-uploading those blobs, never a wrong result (uploads are idempotent).
#pragma once

#include "transport/error.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace regmigrate::engine {

class DestinationInventory {
  public:
    // Whether registry's catalog was already asked for (pairs may share a destination).
    bool asked(const std::string& registry) const;
    // The catalog of destination registry (HOST[:PORT]), listed before any task for it is
    // queued; a refusal is recorded too, so the catalog is asked for once.
    void record(const std::string& registry, const Expected<std::vector<std::string>>& catalog);
    // True only when registry's catalog was listed and did not name repository.
    bool is_fresh(const std::string& registry, std::string_view repository) const;

  private:
    mutable std::mutex mutex_;
    // registry → its repositories at the start; nullopt: the catalog was refused.
    std::unordered_map<std::string, std::optional<std::unordered_set<std::string>>> existing_;
};

}  // namespace regmigrate::engine
