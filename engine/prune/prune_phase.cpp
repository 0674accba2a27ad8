#include "engine/prune/prune_phase.hpp"

#include "transport/log.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

PrunePhase::PrunePhase(const SyncPlan& plan) : plan_(plan) {
    for (const auto& pair : plan.pairs)
        enabled_ = enabled_ || pair.prune;
}

void PrunePhase::listed(std::size_t pair, const std::string& destination_repository,
                        const Expected<std::vector<std::string>>& source_tags) {
    if (!enabled_)
        return;
    auto& repository = repositories_[{plan_.pairs[pair].destination.host, destination_repository}];
    if (!source_tags) {
        repository.complete = false;
        return;
    }
    repository.source_tags.insert(source_tags->begin(), source_tags->end());
    if (plan_.pairs[pair].prune)
        repository.pruning_pairs.push_back(pair);
}

asio::awaitable<std::vector<DeletionRecord>> PrunePhase::run(
    const std::vector<registry::RegistryClient*>& destinations, bool dry_run,
    metrics::Metrics& metrics, const std::function<bool()>& stopped) {
    std::vector<DeletionRecord> records;
    std::map<std::string, TagDeletion> support;  // per destination registry
    for (const auto& entry : repositories_) {
        const std::string& host = entry.first.first;
        const std::string& name = entry.first.second;
        const Repository& repository = entry.second;
        if (repository.pruning_pairs.empty() || stopped())
            continue;
        if (!repository.complete) {
            log(LogLevel::warn, "not pruned: a source listing into it failed",
                {{"repository", host + "/" + name}});
            continue;
        }
        registry::RegistryClient* destination = destinations[repository.pruning_pairs.front()];
        if (!destination)
            continue;
        RepositoryPruneRequest request{
            .repository = name,
            .source_tags = repository.source_tags,
            .in_plan =
                [&](std::string_view tag) {
                    for (const std::size_t pair : repository.pruning_pairs) {
                        if (plan_.pairs[pair].tags.matches(tag))
                            return true;
                    }
                    return false;
                },
            .dry_run = dry_run};
        auto result = co_await prune_repository(*destination, request, support[host], stopped);
        std::size_t kept = 0;
        for (auto& tag : result.tags) {
            metrics.tag_deletion(tag.outcome);
            kept += tag.outcome == DeletionOutcome::kept;
            if (tag.outcome == DeletionOutcome::failed) {
                log(LogLevel::error, "tag deletion failed",
                    {{"destination", image_reference(host, name, tag.tag)}, {"error", tag.error}});
            }
            records.push_back({image_reference(host, name, tag.tag), std::move(tag.digest),
                               tag.outcome, std::move(tag.error)});
        }
        if (kept > 0) {
            log(LogLevel::warn,
                std::to_string(kept) + (kept == 1 ? " tag" : " tags") +
                    " gone from the source kept: their manifests are still used by tags that "
                    "stay, and the registry deletes a tag only with its manifest",
                {{"repository", host + "/" + name}});
        }
        if (result.error) {
            metrics.tag_deletion(DeletionOutcome::failed);
            log(LogLevel::error, result.error->message);
            records.push_back({image_reference(host, name, ""), "", DeletionOutcome::failed,
                               result.error->message});
        }
    }
    co_return records;
}

}  // namespace regmigrate::engine
