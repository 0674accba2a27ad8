#include "engine/referrers/referrer_copier.hpp"

#include "transport/log.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// What of the image copier's options holds for artifacts: not the platform filter.
CopyOptions artifact_options(const CopyOptions& image) {
    CopyOptions artifacts;
    artifacts.image_parallelism = image.image_parallelism;
    return artifacts;
}

}  // namespace

ReferrerCopier::ReferrerCopier(BlobLedger& ledger, TransferLimiter& limiter,
                               metrics::Metrics& metrics, const CopyOptions& copy,
                               ReferrerOptions options, ReferrerTagCache& cache)
    : copier_(ledger, limiter, metrics, artifact_options(copy)),
      options_(std::move(options)),
      cache_(cache) {}

asio::awaitable<Expected<ReferrerTally>> ReferrerCopier::copy_referrers(
    RegistryImageSource& source, RegistryImageSink& destination, const std::string& subject) {
    ReferrerTally tally;
    auto copy_one = [&](const Referrer& referrer) -> asio::awaitable<Expected<void>> {
        auto there = co_await destination.client().head_manifest(destination.repository(),
                                                                 referrer.reference);
        if (!there)
            co_return there.error();
        if (*there && (*there)->digest == referrer.digest) {
            ++tally.present;
            co_return Expected<void>{};
        }
        // Named, not a temporary in the co_await expression: GCC 12 destroys those twice.
        const std::string target = referrer.is_tag() ? referrer.reference : std::string();
        auto copied = co_await copier_.copy(source, referrer.reference, destination, target);
        if (!copied)
            co_return with_context(copied.error(), "referrer " + referrer.reference);
        ++tally.copied;
        log(LogLevel::info, "referrer copied",
            {{"subject", subject},
             {"referrer", referrer.reference},
             {"digest", *copied},
             {"destination", destination.describe()}});
        co_return Expected<void>{};
    };
    // Named, not a temporary in the co_await expression: GCC 12 mishandles those.
    const ReferrerVisit visit = copy_one;
    auto walked = co_await walk_referrers(source.client(), source.repository(), subject, options_,
                                          cache_, visit);
    if (!walked)
        co_return walked.error();
    co_return tally;
}

}  // namespace regmigrate::engine
