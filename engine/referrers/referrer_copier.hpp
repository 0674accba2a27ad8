// `--referrers`: after an image, the artifacts attached to it (signatures, attestations,
// SBOMs; see engine/referrers/referrer_finder.hpp), each pushed after its subject, tag-schema and
// cosign artifacts under their tag names. One already at the destination with the same
// digest is left alone.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/referrers/referrer_finder.hpp"

namespace regmigrate::engine {

struct ReferrerTally {
    std::size_t copied = 0;
    std::size_t present = 0;  // already at the destination with the same digest
};

class ReferrerCopier {
  public:
    // `copy` as the image copier of the pair has it; its platform filter does not apply to
    // artifacts (a referrers index has no platforms).
    ReferrerCopier(BlobLedger& ledger, TransferLimiter& limiter, metrics::Metrics& metrics,
                   const CopyOptions& copy, ReferrerOptions options, ReferrerTagCache& cache);

    // Copies the referrers of `subject` (a digest the destination already serves), and
    // theirs, from source to destination.
    boost::asio::awaitable<Expected<ReferrerTally>> copy_referrers(RegistryImageSource& source,
                                                                   RegistryImageSink& destination,
                                                                   const std::string& subject);

  private:
    ImageCopier copier_;
    ReferrerOptions options_;
    ReferrerTagCache& cache_;
};

}  // namespace regmigrate::engine
