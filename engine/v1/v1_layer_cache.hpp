// What each v1 layer became (blob digest, diff_id, size) within a run, keyed by source
// registry and v1 image ID, so that a layer shared by many images is read and hashed once:
// the first caller measures it, concurrent callers wait for its answer (single flight).
#pragma once

#include "registry/v1/v1_image_config.hpp"

#include <boost/asio/awaitable.hpp>

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace regmigrate::engine {

class V1LayerCache {
  public:
    // The layer's digests when known. nullopt: the caller measures it and must then call
    // store() or abandon(). Waits (polling) while another caller measures it.
    boost::asio::awaitable<std::optional<registry::V1LayerDigests>> acquire(
        const std::string& source, const std::string& image_id);
    void store(const std::string& source, const std::string& image_id,
               registry::V1LayerDigests digests);
    void abandon(const std::string& source, const std::string& image_id);

    std::size_t known_layers() const;

  private:
    static std::string key(const std::string& source, const std::string& image_id);
    // One look under the lock: the digests, or nullopt with `claimed` set when this caller
    // now owns the measurement.
    std::optional<registry::V1LayerDigests> try_acquire(const std::string& key, bool& claimed);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, registry::V1LayerDigests> known_;
    std::set<std::string> measuring_;
};

}  // namespace regmigrate::engine
