// What each v1 layer became (blob digest, diff_id, size) within a run, keyed by source
// registry and v1 image ID, so that a layer shared by many images is read and hashed once:
// the first caller measures it, concurrent callers wait for its answer (single flight).
#pragma once

#include "engine/copy/single_flight.hpp"
#include "registry/v1/v1_image_config.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace regmigrate::engine {

class V1LayerCache {
  public:
    // The layer's digests when known. nullopt: the caller measures it and must then call
    // store() or abandon(). Waits while another caller measures it, woken by its store() or
    // abandon().
    boost::asio::awaitable<std::optional<registry::V1LayerDigests>> acquire(
        const std::string& source, const std::string& image_id);
    void store(const std::string& source, const std::string& image_id,
               registry::V1LayerDigests digests);
    void abandon(const std::string& source, const std::string& image_id);

    std::size_t known_layers() const;

  private:
    static std::string key(const std::string& source, const std::string& image_id);

    SingleFlight<std::string, registry::V1LayerDigests> layers_;
};

}  // namespace regmigrate::engine
