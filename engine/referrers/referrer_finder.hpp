// Finding the artifacts attached to a manifest at the source: the referrers API, or where a
// registry lacks it, the referrers tag schema and cosign's tags. Shared by the copy and the
// verification of referrers (engine/referrers/referrer_copier.hpp,
// engine/referrers/referrer_verifier.hpp).
#pragma once

#include "engine/copy/single_flight.hpp"
#include "registry/distribution/registry_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace regmigrate::engine {

struct ReferrerOptions {
    bool enabled = false;
    // Only referrers of these artifactTypes (empty: all). cosign's .sig/.att/.sbom tags carry
    // no artifactType, so a filter leaves them out, and with it the tag schema's index (which
    // would bring every listed artifact along) is not copied: its selected entries are.
    std::vector<std::string> artifact_types;
    // Artifacts of artifacts are followed this many levels below the image.
    std::size_t max_depth = 4;
};

struct Referrer {
    std::string reference;  // the tag it is published under, or its digest
    std::string digest;
    // Its own referrers are looked for. Not for the tag schema's index: it only lists
    // referrers, which are found themselves.
    bool follow = true;

    bool is_tag() const { return reference != digest; }
};

// The tags of source repositories, listed once per repository in a run however many images
// look into them, by whichever thread asks first (the others wait for that listing, and
// one of them lists again when it fails).
class ReferrerTagCache {
  public:
    using Tags = std::shared_ptr<const std::vector<std::string>>;
    boost::asio::awaitable<Expected<Tags>> tags(registry::RegistryClient& client,
                                                const std::string& repository);

  private:
    SingleFlight<std::string, Tags> listings_;
};

// The referrers of `subject` in source/repository, in the order they are to be copied:
// the tag schema index's entries before the index itself, then cosign's tags.
boost::asio::awaitable<Expected<std::vector<Referrer>>> find_referrers(
    registry::RegistryClient& source, const std::string& repository, const std::string& subject,
    const ReferrerOptions& options, ReferrerTagCache& cache);

// Visits the referrers of `subject`, then theirs (breadth first, each reference once, down
// to options.max_depth): a referrer is always visited after its subject. A visit's error
// ends the walk.
using ReferrerVisit = std::function<boost::asio::awaitable<Expected<void>>(const Referrer&)>;
boost::asio::awaitable<Expected<void>> walk_referrers(
    registry::RegistryClient& source, const std::string& repository, const std::string& subject,
    const ReferrerOptions& options, ReferrerTagCache& cache, const ReferrerVisit& visit);

}  // namespace regmigrate::engine
