// Which destination repositories existed when a sync began, from the destination's catalog.
// A repository absent from it holds only what this run pushes there, and the blob ledger
// knows all of that: its tags need no HEAD for skip-existing and its blobs no HEAD before an
// upload. That is two to three requests per image saved on a first migration.
// Without a catalog (refused, unsupported) every repository counts as existing, so the
// answer errs towards asking; when a catalog hides a repository that holds blobs, the cost
// is re-uploading those blobs, never a wrong result (uploads are idempotent).
#pragma once

#include "transport/error.hpp"

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace regmigrate::engine {

class DestinationInventory {
  public:
    // The destination catalog of plan pair `pair`, listed before any of its tasks is queued.
    void record(std::size_t pair, const Expected<std::vector<std::string>>& catalog);
    // True only when pair's catalog was listed and did not name repository.
    bool is_fresh(std::size_t pair, std::string_view repository) const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::size_t, std::unordered_set<std::string>> existing_;
};

}  // namespace regmigrate::engine
