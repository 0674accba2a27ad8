#include "engine/layout/layout_sync.hpp"

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
        if (pair.prune && layout_directory(pair.destination)) {
            return make_error(ErrorKind::invalid_argument,
                              "--prune deletes from registries, not from an oci: layout");
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

}  // namespace regmigrate::engine
