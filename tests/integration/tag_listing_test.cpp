// The producer lists the tags of several repositories at once. The source sits behind a
// faultproxy that holds the first repository's tag listing back and logs every request as
// it answers it: listed one after another, that listing would be answered before the
// others were even asked; listed at once, the others are answered first.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/fault_proxy_process.hpp"

#include <sstream>

namespace regmigrate::testing {
namespace {

fleet::FleetSpec three_repositories() {
    fleet::FleetSpec spec;
    spec.repositories = 3;
    spec.tags = 1;
    spec.base_layers = 1;
    spec.base_layer_size = 4 * 1024;
    spec.unique_layers = 1;
    spec.unique_layer_size = 4 * 1024;
    spec.multiarch_share = 0;
    spec.prefix = "listing";
    return spec;
}

// The repositories whose tags/list the proxy answered, in the order it answered them.
std::vector<std::string> tag_listings_answered(const std::string& proxy_output) {
    std::vector<std::string> order;
    std::istringstream lines(proxy_output);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find("faultproxy: request GET /v2/listing/");
        const auto end = line.find("/tags/list");
        if (at != std::string::npos && end != std::string::npos) {
            const auto start = line.find("listing/");
            order.push_back(line.substr(start, end - start));
        }
    }
    return order;
}

TEST(TagListingTest, TagsOfSeveralRepositoriesAreListedAtOnce) {
    RegistryProcess source;
    RegistryProcess destination;
    auto pushed = fleet::push_fleet(three_repositories(), {source.host()}, 2);
    ASSERT_TRUE(pushed) << pushed.error().message;
    FaultProxyProcess far_source(FAULTPROXY_BINARY, source.host(),
                                 {"stall stall-ms=3000 path=/listing/app-0000/tags/list limit=1"},
                                 {"--log-requests"});
    SyncCli cli(REGMIGRATE_BINARY);
    const auto run = cli.run("sync", far_source.host(), destination.host(), plain_http());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    const auto order = tag_listings_answered(far_source.output());
    ASSERT_EQ(order.size(), 3u) << far_source.output();
    EXPECT_EQ(order.back(), "listing/app-0000") << far_source.output();
}

}  // namespace
}  // namespace regmigrate::testing
