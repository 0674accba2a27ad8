#include "engine/layout/layout_sync.hpp"

#include "engine/layout/layout_source.hpp"
#include "registry/layout/oci_layout_reference.hpp"
#include "registry/name/reference.hpp"

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

std::optional<std::filesystem::path> layout_directory(const RegistrySide& side) {
    if (!registry::is_oci_layout_reference(side.host))
        return std::nullopt;
    return std::filesystem::path(side.host.substr(registry::oci_layout_scheme.size()));
}

bool has_layout_side(const SyncPair& pair) {
    return layout_directory(pair.source) || layout_directory(pair.destination);
}

Expected<void> check_layout_pairs(const SyncPlan& plan, SyncMode mode) {
    for (const auto& pair : plan.pairs) {
        if (!has_layout_side(pair))
            continue;
        const bool reads_layout = layout_directory(pair.source).has_value();
        if (mode == SyncMode::verify || (mode == SyncMode::dry_run && reads_layout)) {
            return make_error(ErrorKind::invalid_argument,
                              "verify and --dry-run read registries, not oci: layouts");
        }
        if (pair.referrers.enabled) {
            return make_error(ErrorKind::invalid_argument,
                              "--referrers is not supported with an oci: layout");
        }
    }
    return {};
}

Expected<OciLayoutStore*> LayoutSyncState::open(const std::filesystem::path& directory,
                                                const std::string& repository, bool create) {
    if (!registry::is_valid_repository(repository)) {
        return make_error(ErrorKind::invalid_argument,
                          "\"" + repository + "\" is not a repository name");
    }
    const auto path = directory / repository;
    std::lock_guard lock(mutex_);
    auto& store = stores_[path];
    if (!store) {
        auto opened = OciLayoutStore::open(path, create);
        if (!opened) {
            stores_.erase(path);
            return opened.error();
        }
        store = std::move(*opened);
    }
    return store.get();
}

namespace {

// The digest `tag` names on a side: in its layout when it has one, else in its registry.
asio::awaitable<Expected<std::optional<std::string>>> tag_digest(const OciLayoutStore* layout,
                                                                 registry::RegistryClient* client,
                                                                 const std::string& repository,
                                                                 const std::string& tag) {
    if (layout) {
        auto index = layout->read_index();
        if (!index)
            co_return index.error();
        const auto* entry = index->find(tag);
        co_return entry ? std::optional<std::string>(entry->digest) : std::nullopt;
    }
    auto head = co_await client->head_manifest(repository, tag);
    if (!head)
        co_return head.error();
    co_return *head ? std::optional<std::string>((*head)->digest) : std::nullopt;
}

Expected<std::vector<std::string>> layout_tags(const std::filesystem::path& directory) {
    auto layout = OciLayoutStore::open(directory, false);
    if (!layout)
        return layout.error();
    auto index = (*layout)->read_index();
    if (!index)
        return index.error();
    return index->ref_names();
}

// A v1 registry's image into a layout: converted (reads only), skipped when the layout
// already has the converted digest under the tag, else exported.
asio::awaitable<Expected<ImageOutcome>> export_v1_image(V1ImageConverter& v1, const ImageTask& task,
                                                        registry::RegistryClient* source,
                                                        LayoutExporter& exporter,
                                                        OciLayoutStore& into, bool skip_existing,
                                                        ImageRecord& record) {
    auto conversion = co_await v1.convert(task.source_repository, task.tag);
    if (!conversion)
        co_return conversion.error();
    record.digest = conversion->image.digest;
    if (skip_existing) {
        auto there = co_await tag_digest(&into, nullptr, task.destination_repository, task.tag);
        if (!there)
            co_return there.error();
        if (*there == record.digest)
            co_return ImageOutcome::skipped;
    }
    auto exported = co_await v1.export_to(*conversion, exporter, into, task.tag,
                                          source ? source->retry_policy() : nullptr);
    if (!exported)
        co_return exported.error();
    co_return ImageOutcome::copied;
}

}  // namespace

asio::awaitable<Expected<ImageOutcome>> sync_layout_image(
    const SyncPair& pair, const ImageTask& task, const LayoutPairEnds& ends, ImageCopier& copier,
    LayoutExporter& exporter, LayoutSyncState& layouts, bool skip_existing, ImageRecord& record) {
    const auto source_dir = layout_directory(pair.source);
    const auto destination_dir = layout_directory(pair.destination);
    Endpoint from{ends.source, task.source_repository};
    if (source_dir) {
        auto opened = layouts.open(*source_dir, task.source_repository, false);
        if (!opened)
            co_return opened.error();
        from.layout = *opened;
    }
    OciLayoutStore* into = nullptr;
    if (destination_dir) {
        auto opened = layouts.open(*destination_dir, task.destination_repository, true);
        if (!opened)
            co_return opened.error();
        into = *opened;
    }
    if (ends.v1 && into) {
        co_return co_await export_v1_image(*ends.v1, task, ends.source, exporter, *into,
                                           skip_existing, record);
    }
    if (skip_existing) {
        auto there =
            co_await tag_digest(into, ends.destination, task.destination_repository, task.tag);
        if (!there)
            co_return there.error();
        if (*there) {
            auto here =
                co_await tag_digest(from.layout, ends.source, task.source_repository, task.tag);
            if (!here)
                co_return here.error();
            if (*here == *there) {
                record.digest = **there;
                co_return ImageOutcome::skipped;
            }
        }
    }
    const Endpoint to{ends.destination, task.destination_repository};
    std::optional<Expected<std::string>> copied;
    if (into) {
        copied.emplace(co_await exporter.copy(from, task.tag, *into, task.tag));
    } else {
        copied.emplace(co_await copier.copy(from, task.tag, to, task.tag));
    }
    const auto& digest = *copied;
    if (!digest)
        co_return digest.error();
    record.digest = *digest;
    co_return ImageOutcome::copied;
}

asio::awaitable<Expected<void>> produce_layout_tasks(const SyncPlan& plan, TaskQueue& queue,
                                                     const ProducerHooks& hooks) {
    for (std::size_t index = 0; index < plan.pairs.size(); ++index) {
        const SyncPair& pair = plan.pairs[index];
        const auto directory = layout_directory(pair.source);
        if (!directory)
            continue;
        auto found = find_oci_layouts(*directory);
        if (!found)
            co_return found.error();
        for (const auto& repository : *found) {
            if (hooks.stopped())
                co_return Expected<void>{};
            // The directory itself, or a layout not named like a repository, is no repository.
            if (!registry::is_valid_repository(repository) || !pair.selects_repository(repository))
                continue;
            const std::string destination = pair.destination_repository(repository);
            if (!plan.shard.owns(destination))
                continue;
            auto listed = layout_tags(*directory / repository);
            if (!listed) {
                hooks.listing_failed(pair, repository, listed.error());
                continue;
            }
            std::vector<std::string> tags;
            for (auto& tag : *listed) {
                if (auto valid = registry::check_tag(
                        tag, "oci:" + (*directory / repository).string() + " index.json");
                    !valid) {
                    hooks.listing_failed(pair, repository, valid.error());
                    continue;
                }
                const bool wanted = pair.tags.explicit_only()
                                        ? std::find(pair.tags.exact.begin(), pair.tags.exact.end(),
                                                    tag) != pair.tags.exact.end()
                                        : pair.tags.matches(tag);
                if (wanted)
                    tags.push_back(std::move(tag));
            }
            hooks.repository_seen();
            for (auto& tag : tags) {
                if (hooks.stopped())
                    co_return Expected<void>{};
                // Named: GCC 12 destroys a temporary in a co_await expression twice.
                ImageTask task{index, repository, std::move(tag), destination};
                co_await queue.push(std::move(task));
                co_await hooks.after_push();
            }
        }
    }
    co_return Expected<void>{};
}

}  // namespace regmigrate::engine
