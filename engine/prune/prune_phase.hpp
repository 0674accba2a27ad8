// sync --prune across a run: the destination repositories whose source listings were
// complete, gathered while the plan is enumerated, pruned once every image of the run has
// ended (so the tags the run moved point where the source's do before anything is judged).
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "engine/prune/repository_pruner.hpp"
#include "engine/run/run_report.hpp"
#include "metrics/metrics.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace regmigrate::engine {

class PrunePhase {
  public:
    explicit PrunePhase(const SyncPlan& plan);

    // A pair of the plan prunes.
    bool enabled() const { return enabled_; }

    // The producer's, for every repository of every pair it enumerates: the source's tags of
    // the repository (named as at the destination), or why they could not be listed. A
    // destination repository is pruned only when every listing into it was complete; tags
    // any pair's source serves stay.
    void listed(std::size_t pair, const std::string& destination_repository,
                const Expected<std::vector<std::string>>& source_tags);

    // A destination repository to prune: a pruning pair listed it and every listing into
    // it was complete.
    struct Target {
        std::string host;
        std::string repository;
        std::set<std::string> source_tags;       // served by any pair's source
        std::vector<std::size_t> pruning_pairs;  // whose tag filters say what may go
    };
    // In host and repository order.
    std::vector<Target> targets() const;

    // Prunes the targets one after the other; a tag
    // is deleted only if a pruning pair's tag filters select it. destinations[i] is pair
    // i's destination client (null: not a registry). stopped: asked before every DELETE.
    boost::asio::awaitable<std::vector<DeletionRecord>> run(
        const std::vector<registry::RegistryClient*>& destinations, bool dry_run,
        metrics::Metrics& metrics, const std::function<bool()>& stopped);

  private:
    struct Repository {
        std::vector<std::size_t> pruning_pairs;
        std::set<std::string> source_tags;
        bool complete = true;
    };

    const SyncPlan& plan_;
    bool enabled_ = false;
    // By destination host and repository. Only the producer writes it and only after it
    // ended is it read, both on the run's first event loop.
    std::map<std::pair<std::string, std::string>, Repository> repositories_;
};

}  // namespace regmigrate::engine
