#include "engine/referrers/referrer_verifier.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;
using registry::RegistryClient;

asio::awaitable<Expected<std::optional<ReferrerDifference>>> verify_referrers(
    RegistryClient& source, const std::string& source_repository, RegistryClient& destination,
    const std::string& destination_repository, const std::string& subject,
    const ReferrerOptions& options, ReferrerTagCache& cache) {
    std::optional<ReferrerDifference> difference;
    auto check = [&](const Referrer& referrer) -> asio::awaitable<Expected<void>> {
        auto there = co_await destination.head_manifest(destination_repository, referrer.reference);
        if (!there)
            co_return there.error();
        const std::string what = "referrer " + referrer.reference + " of " + subject;
        if (!*there) {
            difference = ReferrerDifference{metrics::ImageOutcome::missing,
                                            what + " missing at the destination"};
        } else if ((*there)->digest != referrer.digest) {
            difference = ReferrerDifference{metrics::ImageOutcome::mismatched,
                                            what + ": destination serves " + (*there)->digest};
        }
        // The first difference is the answer: the walk stops there.
        if (difference)
            co_return make_error(ErrorKind::cancelled, difference->error);
        co_return Expected<void>{};
    };
    const ReferrerVisit visit = check;  // named: GCC 12 mishandles temporaries in co_await
    auto walked =
        co_await walk_referrers(source, source_repository, subject, options, cache, visit);
    if (!walked && !difference)
        co_return walked.error();
    co_return difference;
}

}  // namespace regmigrate::engine
