#include "tools/fleet/image_pusher.hpp"

#include "tools/fleet/byte_source.hpp"

namespace regmigrate::fleet {

namespace {

// Layers up to this size go in one PUT; larger ones are streamed in chunks.
constexpr std::uint64_t kMonolithicLimit = 8 * 1024 * 1024;

}  // namespace

std::optional<PushedBlobs::Layer> PushedBlobs::find_layer(std::uint64_t seed,
                                                          const std::string& repository) const {
    std::lock_guard lock(mutex_);
    const auto it = layers_.find(seed);
    if (it == layers_.end()) {
        return std::nullopt;
    }
    const bool in_target = it->second.repositories.contains(repository);
    return Layer{it->second.digest, in_target ? repository : *it->second.repositories.begin(),
                 in_target};
}

void PushedBlobs::add_layer(std::uint64_t seed, const std::string& digest,
                            const std::string& repository) {
    std::lock_guard lock(mutex_);
    auto& holders = layers_[seed];
    holders.digest = digest;
    holders.repositories.insert(repository);
}

void PushedBlobs::add_blob(const std::string& digest, std::uint64_t size) {
    std::lock_guard lock(mutex_);
    blobs_.emplace(digest, size);
}

std::size_t PushedBlobs::blob_count() const {
    std::lock_guard lock(mutex_);
    return blobs_.size();
}

std::uint64_t PushedBlobs::blob_bytes() const {
    std::lock_guard lock(mutex_);
    std::uint64_t total = 0;
    for (const auto& [digest, size] : blobs_) {
        total += size;
    }
    return total;
}

ImagePusher::ImagePusher(ImageSink& sink, PushedBlobs& blobs) : sink_(sink), blobs_(blobs) {}

Expected<Descriptor> ImagePusher::push_layer(const std::string& repository, const LayerPlan& layer,
                                             ManifestFormat format) {
    const auto known = blobs_.find_layer(layer.seed, repository);
    if (known && known->in_target) {
        return Descriptor{layer_media_type(format), known->digest, layer.size};
    }
    bool mounted = false;
    if (known) {
        auto mount = sink_.mount_blob(repository, known->digest, known->repository);
        if (!mount) {
            return mount.error();
        }
        mounted = *mount;
    }
    std::string digest;
    if (mounted) {
        digest = known->digest;
    } else {
        ByteSource source(layer.seed);
        auto pushed = layer.size <= kMonolithicLimit
                          ? sink_.push_blob(repository, source.take(layer.size))
                          : sink_.push_blob_stream(
                                repository, layer.size,
                                [&source](char* out, std::size_t size) { source.fill(out, size); });
        if (!pushed) {
            return pushed.error();
        }
        digest = *pushed;
    }
    blobs_.add_layer(layer.seed, digest, repository);
    blobs_.add_blob(digest, layer.size);
    return Descriptor{layer_media_type(format), digest, layer.size};
}

Expected<BuiltImage> ImagePusher::push_platform(const std::string& repository,
                                                const PlatformPlan& platform, ManifestFormat format,
                                                const std::string& reference) {
    ImageSpec spec{format, platform.platform, {}, platform.created};
    for (const auto& layer : platform.layers) {
        auto descriptor = push_layer(repository, layer, format);
        if (!descriptor) {
            return descriptor.error();
        }
        spec.layers.push_back(std::move(*descriptor));
    }
    BuiltImage image = build_image(spec);
    if (auto config = sink_.push_blob(repository, image.config); !config) {
        return config.error();
    }
    blobs_.add_blob(image.config_descriptor.digest, image.config_descriptor.size);
    const std::string& target = reference.empty() ? image.manifest_descriptor.digest : reference;
    auto pushed = sink_.push_manifest(repository, target, image.manifest_descriptor.media_type,
                                      image.manifest);
    if (!pushed) {
        return pushed.error();
    }
    return image;
}

Expected<TaggedImage> ImagePusher::push(const ImagePlan& image) {
    if (!image.multiarch()) {
        auto built =
            push_platform(image.repository, image.platforms.front(), image.format, image.tag);
        if (!built) {
            return built.error();
        }
        return TaggedImage{image.repository, image.tag, built->manifest_descriptor.digest,
                           built->manifest_descriptor.media_type};
    }
    std::vector<IndexEntry> entries;
    for (const auto& platform : image.platforms) {
        // Children go in by digest so only the index carries the tag.
        auto built = push_platform(image.repository, platform, image.format, std::string());
        if (!built) {
            return built.error();
        }
        entries.push_back(IndexEntry{built->manifest_descriptor, platform.platform});
    }
    const BuiltIndex index = build_index(image.format, entries);
    auto pushed =
        sink_.push_manifest(image.repository, image.tag, index.descriptor.media_type, index.bytes);
    if (!pushed) {
        return pushed.error();
    }
    return TaggedImage{image.repository, image.tag, index.descriptor.digest,
                       index.descriptor.media_type};
}

}  // namespace regmigrate::fleet
