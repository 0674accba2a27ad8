// Checks one planned tag: the destination serves the digest the source serves, and every
// manifest, config and layer the destination's manifest references exists there.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/run/task_queue.hpp"
#include "metrics/outcome.hpp"
#include "registry/distribution/registry_client.hpp"

#include <optional>
#include <string>

namespace regmigrate::engine {

struct VerifyOutcome {
    // matched | mismatched | missing | failed (could not check)
    metrics::ImageOutcome status = metrics::ImageOutcome::failed;
    std::string digest;  // the source's digest, or for a converted schema1 image the conversion's
    std::string error;   // what differs, for everything but matched
    std::string source_digest;  // a converted schema1 image: the source's digest
};

// copier: set, a schema1 source image may match as its schema2 conversion (as that copier
// would have converted it) where the destination does not serve the source's digest.
boost::asio::awaitable<VerifyOutcome> verify_image(registry::RegistryClient& source,
                                                   registry::RegistryClient& destination,
                                                   const ImageTask& task,
                                                   const std::optional<std::string>& platform,
                                                   ImageCopier* copier = nullptr);

}  // namespace regmigrate::engine
