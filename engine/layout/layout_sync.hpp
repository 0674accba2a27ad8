// Sync pairs with an OCI image layout directory on one side (host "oci:DIR"): every
// repository is a layout of its own, DIR/<repository>, its tags as ref names; the image
// copier reads it as a LayoutImageSource and writes it as a LayoutImageSink.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/sync_job.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

namespace regmigrate::engine {

// The layout directory a side names ("oci:DIR" as its host), or nullopt for a registry.
std::optional<std::filesystem::path> layout_directory(const RegistrySide& side);
bool has_layout_side(const SyncPair& pair);

// What runs with layout sides do not do: verify, a dry run reading a layout, --referrers.
Expected<void> check_layout_pairs(const SyncPlan& plan, SyncMode mode);

// The layouts a run has opened, shared by the workers of every thread; and the single
// flight of blobs into them (apart from the registries' ledger: the journal records only
// registry blobs).
class LayoutSyncState {
  public:
    // DIR/repository; create: made when absent. The repository name is checked first, so
    // it cannot climb out of DIR.
    Expected<OciLayoutStore*> open(const std::filesystem::path& directory,
                                   const std::string& repository, bool create);
    BlobLedger& ledger() { return ledger_; }

  private:
    std::mutex mutex_;
    std::map<std::filesystem::path, std::unique_ptr<OciLayoutStore>> stores_;
    BlobLedger ledger_;
};

}  // namespace regmigrate::engine
