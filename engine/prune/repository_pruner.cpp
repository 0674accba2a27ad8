#include "engine/prune/repository_pruner.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "registry/types/media_types.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// HEADs of the destination's tags at once: enough to hide the round trips of a repository
// with many tags, few enough for a registry that is also receiving the run's uploads.
constexpr std::size_t concurrent_reads = 8;

struct DestinationState {
    std::vector<DestinationTag> tags;
    std::set<std::string> referenced;  // manifests the indexes of staying tags list
};

// Every destination tag with its digest (a tag deleted meanwhile is left out), and the
// children of the indexes staying tags point at.
asio::awaitable<Expected<DestinationState>> read_destination(registry::RegistryClient& destination,
                                                             const std::string& repository,
                                                             const std::vector<std::string>& tags,
                                                             const std::set<std::string>& gone) {
    std::vector<std::optional<registry::ManifestHead>> heads(tags.size());
    auto headed = co_await for_each_bounded(
        tags.size(), concurrent_reads, [&](std::size_t i) -> asio::awaitable<Expected<void>> {
            auto head = co_await destination.head_manifest(repository, tags[i]);
            if (!head)
                co_return head.error();
            heads[i] = std::move(*head);
            co_return Expected<void>{};
        });
    if (!headed)
        co_return headed.error();
    DestinationState state;
    std::set<std::string> indexes;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        if (!heads[i])
            continue;
        state.tags.push_back({tags[i], heads[i]->digest});
        if (!gone.contains(tags[i]) && registry::is_index_media_type(heads[i]->media_type))
            indexes.insert(heads[i]->digest);
    }
    for (const auto& digest : indexes) {
        auto index = co_await destination.get_manifest(repository, digest);
        if (!index)
            co_return index.error();
        for (const auto& child : index->manifest.manifests)
            state.referenced.insert(child.digest);
    }
    co_return state;
}

// A registry that deletes nothing says so once for the repository, with what to change.
Error refusal_error(const registry::RegistryClient& destination, const std::string& repository,
                    const std::string& answer) {
    return make_error(ErrorKind::denied,
                      "pruning " + destination.host() + "/" + repository +
                          ": the registry refuses deletes (" + answer +
                          "); docker-registry deletes only with storage: delete: enabled: true, "
                          "and the credentials need the delete permission");
}

}  // namespace

asio::awaitable<RepositoryPruneResult> prune_repository(registry::RegistryClient& destination,
                                                        const RepositoryPruneRequest& request,
                                                        TagDeletion& support,
                                                        const std::function<bool()>& stopped) {
    RepositoryPruneResult result;
    const std::string context = "pruning " + destination.host() + "/" + request.repository;
    auto listed = co_await destination.list_tags(request.repository);
    if (!listed) {
        // Not at the destination yet: nothing there to prune.
        if (listed.error().kind != ErrorKind::not_found)
            result.error = with_context(listed.error(), context);
        co_return result;
    }
    const auto gone = tags_gone_from_source(*listed, request.source_tags, request.in_plan);
    if (gone.empty())
        co_return result;
    const std::set<std::string> gone_set(gone.begin(), gone.end());
    auto state = co_await read_destination(destination, request.repository, *listed, gone_set);
    if (!state) {
        result.error = with_context(state.error(), context + ": reading what its tags point at");
        co_return result;
    }
    auto manifests = group_gone_tags(state->tags, gone_set, state->referenced);
    if (request.dry_run) {
        for (const auto& manifest : manifests) {
            for (const auto& tag : manifest.tags)
                result.tags.push_back({tag, manifest.digest, DeletionOutcome::planned});
        }
        co_return result;
    }
    PruneFsm fsm(std::move(manifests), support);
    while (auto next = fsm.next()) {
        if (stopped())
            break;
        auto answer = co_await destination.delete_manifest(request.repository, next->reference);
        fsm.on_answer(classify_delete_answer(answer, next->by_tag),
                      answer ? std::string() : answer.error().message);
    }
    support = fsm.support();
    result.tags = fsm.results();
    if (!fsm.refusal().empty())
        result.error = refusal_error(destination, request.repository, fsm.refusal());
    co_return result;
}

}  // namespace regmigrate::engine
