// Checks one planned tag: the destination serves the digest the source serves, and every
// manifest, config and layer the destination's manifest references exists there.
#pragma once

#include "engine/task_queue.hpp"
#include "registry/registry_client.hpp"

#include <optional>
#include <string>

namespace regmigrate::engine {

struct VerifyOutcome {
    std::string status;  // matched | mismatched | missing | failed (could not check)
    std::string digest;  // the source's digest
    std::string error;   // what differs, for everything but matched
};

boost::asio::awaitable<VerifyOutcome> verify_image(registry::RegistryClient& source,
                                                   registry::RegistryClient& destination,
                                                   const ImageTask& task,
                                                   const std::optional<std::string>& platform);

}  // namespace regmigrate::engine
