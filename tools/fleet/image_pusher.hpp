// Pushes planned synthetic images into an ImageSink: layers generated on the fly
// (streamed when large), shared base layers uploaded once and mounted elsewhere, then
// config, manifest(s) and, for multi-arch images, the index under the tag.
#pragma once

#include "tools/fleet/fleet_plan.hpp"
#include "tools/fleet/image_builder.hpp"
#include "tools/fleet/image_sink.hpp"
#include "tools/fleet/registry_writer.hpp"  // the HTTP sink most callers hand in
#include "transport/error.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace regmigrate::fleet {

struct TaggedImage {
    std::string repository;
    std::string tag;
    std::string digest;  // of the manifest or index the tag points at
    std::string media_type;
};

// What has been pushed so far, shared by every pushing thread: layer seed → digest and
// the repositories holding it (for mounts), plus all distinct blobs for the summary.
class PushedBlobs {
  public:
    struct Layer {
        std::string digest;
        std::string repository;  // one that holds it: the mount source
        bool in_target = false;  // already in the repository that was asked about
    };
    std::optional<Layer> find_layer(std::uint64_t seed, const std::string& repository) const;
    void add_layer(std::uint64_t seed, const std::string& digest, const std::string& repository);
    void add_blob(const std::string& digest, std::uint64_t size);
    std::size_t blob_count() const;
    std::uint64_t blob_bytes() const;

  private:
    struct Holders {
        std::string digest;
        std::unordered_set<std::string> repositories;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, Holders> layers_;
    std::unordered_map<std::string, std::uint64_t> blobs_;
};

class ImagePusher {
  public:
    ImagePusher(ImageSink& sink, PushedBlobs& blobs);

    Expected<TaggedImage> push(const ImagePlan& image);
    // Makes the layer present in the repository; returns its descriptor.
    Expected<Descriptor> push_layer(const std::string& repository, const LayerPlan& layer,
                                    ManifestFormat format);

  private:
    Expected<BuiltImage> push_platform(const std::string& repository, const PlatformPlan& platform,
                                       ManifestFormat format, const std::string& reference);

    ImageSink& sink_;
    PushedBlobs& blobs_;
};

}  // namespace regmigrate::fleet
