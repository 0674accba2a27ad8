#include "engine/copy/image_graph.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "registry/types/media_types.hpp"

#include <string>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::Descriptor;
using registry::ManifestData;

namespace {

void add_blobs(ImageGraph& graph, const registry::Manifest& manifest) {
    for (const auto& blob : manifest.blobs()) {
        // Non-distributable layers live outside registries: docker never pushes them.
        if (!registry::is_foreign_layer_media_type(blob.media_type))
            graph.blobs.push_back(blob);
    }
}

}  // namespace

asio::awaitable<Expected<ImageGraph>> read_image_graph(ImageSource& source,
                                                       const ManifestData& root, std::size_t width,
                                                       std::size_t max_depth) {
    ImageGraph graph;
    add_blobs(graph, root.manifest);
    // The children of each level, read concurrently.
    std::vector<Descriptor> pending = root.manifest.manifests;
    while (!pending.empty()) {
        if (graph.levels.size() == max_depth) {
            co_return make_error(ErrorKind::protocol, source.describe() + "@" + root.digest +
                                                          ": indexes nested deeper than " +
                                                          std::to_string(max_depth));
        }
        std::vector<ManifestData> level(pending.size());
        const IndexedWork read = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
            auto child = co_await source.read_manifest(pending[i].digest);
            if (!child)
                co_return child.error();
            level[i] = std::move(*child);
            co_return Expected<void>{};
        };
        if (auto all = co_await for_each_bounded(pending.size(), width, read); !all)
            co_return all.error();
        std::vector<Descriptor> next;
        for (const auto& child : level) {
            add_blobs(graph, child.manifest);
            next.insert(next.end(), child.manifest.manifests.begin(),
                        child.manifest.manifests.end());
        }
        graph.levels.push_back(std::move(level));
        pending = std::move(next);
    }
    co_return graph;
}

}  // namespace regmigrate::engine
