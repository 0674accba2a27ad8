// Sync pairs with an OCI image layout directory on one side (host "oci:DIR"): every
// repository is a layout of its own, DIR/<repository>, its tags as ref names. Exports
// write through LayoutExporter, imports read through ImageCopier's layout source.
#pragma once

#include "engine/copy/blob_ledger.hpp"
#include "engine/copy/image_copier.hpp"
#include "engine/layout/layout_exporter.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "engine/plan/sync_plan.hpp"
#include "engine/run/run_report.hpp"
#include "engine/run/sync_job.hpp"
#include "engine/run/tag_producer.hpp"
#include "engine/run/task_queue.hpp"
#include "engine/v1/v1_image_converter.hpp"

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

// The ends of a layout pair's image: the registry client of the side that is not a
// layout (else null), and for a v1 registry source its converter (else null).
struct LayoutPairEnds {
    registry::RegistryClient* source = nullptr;
    registry::RegistryClient* destination = nullptr;
    V1ImageConverter* v1 = nullptr;
};

// One image of a layout pair: copied, or skipped when skip_existing and the other
// side already has the tag at the same digest. record.digest is set on success.
boost::asio::awaitable<Expected<ImageOutcome>> sync_layout_image(
    const SyncPair& pair, const ImageTask& task, const LayoutPairEnds& ends, ImageCopier& copier,
    LayoutExporter& exporter, LayoutSyncState& layouts, bool skip_existing, ImageRecord& record);

// The tasks of pairs whose source is a layout directory: each layout under it, named by
// its relative path, filtered, renamed and sharded like a registry's repositories.
boost::asio::awaitable<Expected<void>> produce_layout_tasks(const SyncPlan& plan, TaskQueue& queue,
                                                            const ProducerHooks& hooks);

}  // namespace regmigrate::engine
