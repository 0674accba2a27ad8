#include "engine/v1/v1_layer_cache.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

std::string V1LayerCache::key(const std::string& source, const std::string& image_id) {
    return source + "\n" + image_id;
}

asio::awaitable<std::optional<registry::V1LayerDigests>> V1LayerCache::acquire(
    const std::string& source, const std::string& image_id) {
    return layers_.acquire(key(source, image_id));
}

void V1LayerCache::store(const std::string& source, const std::string& image_id,
                         registry::V1LayerDigests digests) {
    layers_.succeed(key(source, image_id), std::move(digests));
}

void V1LayerCache::abandon(const std::string& source, const std::string& image_id) {
    layers_.fail(key(source, image_id));
}

std::size_t V1LayerCache::known_layers() const {
    return layers_.known();
}

}  // namespace regmigrate::engine
