#include "engine/layout/layout_source.hpp"

#include "registry/content/digest.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

Expected<registry::ManifestData> read_layout_manifest(const OciLayoutStore& layout,
                                                      std::string_view reference) {
    auto index = layout.read_index();
    if (!index)
        return index.error();
    const bool by_digest = registry::is_valid_digest(reference);
    const registry::OciLayoutEntry* entry = nullptr;
    if (by_digest) {
        for (const auto& candidate : index->manifests) {
            if (candidate.digest == reference)
                entry = &candidate;
        }
    } else {
        entry = index->find(reference);
        if (!entry) {
            return make_error(ErrorKind::not_found, "oci:" + layout.directory().string() +
                                                        " has no image tagged " +
                                                        std::string(reference));
        }
    }
    registry::ManifestData data;
    data.digest = by_digest ? std::string(reference) : entry->digest;
    auto bytes = layout.read_bytes(data.digest, registry::max_manifest_bytes);
    if (!bytes)
        return bytes.error();
    data.bytes = std::move(*bytes);
    // Children of an index have no entry: their own mediaType field says what they are.
    const std::string media_type = entry ? entry->media_type : std::string();
    auto manifest = registry::parse_manifest(data.bytes, media_type);
    if (!manifest)
        return with_context(manifest.error(), "manifest " + data.digest);
    data.media_type = media_type.empty() ? manifest->media_type : media_type;
    data.manifest = std::move(*manifest);
    return data;
}

Expected<std::optional<registry::ManifestHead>> layout_tag(const OciLayoutStore& layout,
                                                           std::string_view tag) {
    auto index = layout.read_index();
    if (!index)
        return index.error();
    const auto* entry = index->find(tag);
    if (!entry)
        return std::optional<registry::ManifestHead>();
    return std::optional<registry::ManifestHead>(
        registry::ManifestHead{entry->digest, entry->media_type});
}

asio::awaitable<Expected<std::optional<registry::ManifestHead>>> LayoutImageSource::tag_digest(
    std::string tag) {
    co_return layout_tag(layout_, tag);
}

std::string LayoutImageSource::describe() const {
    return "oci:" + layout_.directory().string();
}

asio::awaitable<Expected<registry::ManifestData>> LayoutImageSource::read_manifest(
    std::string reference) {
    co_return read_layout_manifest(layout_, reference);
}

asio::awaitable<Expected<std::optional<std::uint64_t>>> LayoutImageSource::blob_size(
    std::string digest) {
    co_return layout_.blob_size(digest);
}

asio::awaitable<Expected<std::unique_ptr<BlobReader>>> LayoutImageSource::open_blob(
    std::string digest, std::uint64_t size) {
    auto file = layout_.open_blob(digest);
    if (!file)
        co_return file.error();
    const std::uint64_t announced = (*file)->size();
    co_return verified_body(std::move(*file), announced, digest, size);
}

}  // namespace regmigrate::engine
