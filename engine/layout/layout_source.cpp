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

std::string describe_source(const Endpoint& source) {
    if (source.layout)
        return "oci:" + source.layout->directory().string();
    return source.client->host() + "/" + source.repository;
}

asio::awaitable<Expected<registry::ManifestData>> read_source_manifest(const Endpoint& source,
                                                                       std::string reference) {
    if (source.layout)
        co_return read_layout_manifest(*source.layout, reference);
    co_return co_await source.client->get_manifest(source.repository, reference);
}

asio::awaitable<Expected<std::optional<std::uint64_t>>> source_blob_size(const Endpoint& source,
                                                                         std::string digest) {
    if (source.layout)
        co_return source.layout->blob_size(digest);
    co_return co_await source.client->blob_size(source.repository, digest);
}

asio::awaitable<Expected<std::uint64_t>> size_to_copy(const Endpoint& source,
                                                      const registry::Descriptor& blob) {
    if (blob.size != 0 || !blob.media_type.empty())
        co_return blob.size;
    auto source_size = co_await source_blob_size(source, blob.digest);
    if (!source_size)
        co_return source_size.error();
    if (!*source_size)
        co_return make_error(ErrorKind::not_found, "blob " + blob.digest + " missing from source");
    co_return **source_size;
}

asio::awaitable<Expected<std::unique_ptr<SourceBlob>>> SourceBlob::open(const Endpoint& source,
                                                                        std::string digest,
                                                                        std::uint64_t size) {
    std::unique_ptr<SourceBlob> blob(new SourceBlob());
    std::optional<std::uint64_t> announced;
    if (source.layout) {
        auto file = source.layout->open_blob(digest);
        if (!file)
            co_return file.error();
        blob->file_ = std::move(*file);
        announced = blob->file_->size();
        blob->body_.emplace(*blob->file_, digest, size);
    } else {
        auto download = co_await source.client->open_blob(source.repository, digest);
        if (!download)
            co_return download.error();
        blob->download_.emplace(std::move(*download));
        announced = blob->download_->content_length();
        blob->body_.emplace(*blob->download_, digest, size);
    }
    if (announced && *announced != size) {
        co_return make_error(ErrorKind::digest_mismatch,
                             "blob " + digest + ": source sends " + std::to_string(*announced) +
                                 " bytes, manifest says " + std::to_string(size));
    }
    co_return blob;
}

}  // namespace regmigrate::engine
