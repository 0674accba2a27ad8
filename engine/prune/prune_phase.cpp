#include "engine/prune/prune_phase.hpp"

#include "transport/log.hpp"

#include <algorithm>

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

std::vector<PrunePhase::Target> PrunePhase::targets() const {
    std::vector<Target> targets;
    for (const auto& [key, repository] : repositories_) {
        if (repository.complete && !repository.pruning_pairs.empty()) {
            targets.push_back(
                {key.first, key.second, repository.source_tags, repository.pruning_pairs});
        }
    }
    return targets;
}

asio::awaitable<std::vector<DeletionRecord>> PrunePhase::run(
    const std::vector<registry::RegistryClient*>& destinations, bool dry_run,
    metrics::Metrics& metrics, const std::function<bool()>& stopped) {
    std::vector<DeletionRecord> records;
    std::map<std::string, TagDeletion> support;  // per destination registry
    for (const Target& target : targets()) {
        if (stopped())
            break;
        const std::string& host = target.host;
        const std::string& name = target.repository;
        registry::RegistryClient* destination = destinations[target.pruning_pairs.front()];
        if (!destination)
            continue;
        const auto in_plan = [&](std::string_view tag) {
            return std::any_of(
                target.pruning_pairs.begin(), target.pruning_pairs.end(),
                [&](std::size_t pair) { return plan_.pairs[pair].tags.matches(tag); });
        };
        const RepositoryPruneRequest request{name, target.source_tags, in_plan, dry_run};
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
