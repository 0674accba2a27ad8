// `verify --referrers`: the artifacts attached to an image at the source are at the
// destination under the same reference (tag or digest) with the same digest.
#pragma once

#include "engine/referrers/referrer_finder.hpp"
#include "metrics/outcome.hpp"

#include <optional>
#include <string>

namespace regmigrate::engine {

struct ReferrerDifference {
    metrics::ImageOutcome status;  // missing | mismatched, as verify reports images
    std::string error;             // which referrer, and what the destination serves
};

// The first difference, or nullopt when every referrer of `subject` (and theirs) is there.
boost::asio::awaitable<Expected<std::optional<ReferrerDifference>>> verify_referrers(
    registry::RegistryClient& source, const std::string& source_repository,
    registry::RegistryClient& destination, const std::string& destination_repository,
    const std::string& subject, const ReferrerOptions& options, ReferrerTagCache& cache);

}  // namespace regmigrate::engine
