// Docker Hub as a sync source, against HubFake (Hub's listing API, auth.docker.io-style
// anonymous tokens and a real docker-registry behind Hub's pull rate limit): an
// organization listed over several pages and synced into a real registry, the fallback to
// the older listing endpoint, official images under library/, a pause when the pull budget
// runs low, and 429 Retry-After honoured.
#include "tests/support/hub_fake.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/sync_cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;
using namespace std::chrono_literals;

class HubSourceTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = std::make_unique<TestPki>(); }
    static void TearDownTestSuite() { pki_.reset(); }

    // `names` single-platform images tagged v1 pushed into the fake, then the fake opened.
    void start_hub(HubFakeOptions options, const std::vector<std::string>& names) {
        hub_ = std::make_unique<HubFake>(*pki_, options);
        for (std::size_t i = 0; i < names.size(); ++i) {
            push_image(hub_->seed_host(),
                       sample_image(names[i], "v1", ManifestFormat::docker, 1, i + 1));
        }
        hub_->open();
    }

    // One sync entry from the fake to the destination; `extra` lines go under it.
    std::filesystem::path plan(const std::string& organization, const std::string& extra = {}) {
        return cli_.write_file("plan.yaml",
                               "registries:\n  hub: { host: " + hub_->registry_host() +
                                   ", tls: disabled }\n  dst: { host: " + destination_.host() +
                                   ", tls: disabled }\nsync:\n  - from: hub\n    to: dst\n"
                                   "    hub: { organization: " +
                                   organization + ", api: \"" + hub_->api_url() + "\" }\n" + extra);
    }

    SyncOutcome sync(const std::filesystem::path& plan_file) {
        return cli_.run_plan("sync", plan_file, {"--jobs", "1"});
    }

    std::set<std::string> destination_images() const {
        auto images = list_tagged_images(destination_.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }

    std::size_t listing_requests_to(std::string_view path_prefix) const {
        const auto targets = hub_->listing_requests();
        return std::count_if(targets.begin(), targets.end(), [&](const std::string& target) {
            return target.starts_with(path_prefix);
        });
    }

    static std::unique_ptr<TestPki> pki_;
    std::unique_ptr<HubFake> hub_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
};

std::unique_ptr<TestPki> HubSourceTest::pki_;

const std::vector<std::string> acme = {"acme/api", "acme/db", "acme/web", "acme/worker",
                                       "acme/proxy"};

TEST_F(HubSourceTest, SyncsEveryRepositoryOfAnOrganizationListedOverSeveralPages) {
    HubFakeOptions options;
    options.max_page_size = 2;
    start_hub(options,
              {"acme/api", "acme/db", "acme/web", "acme/worker", "acme/proxy", "other/tool"});
    const auto run = sync(plan("acme"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(),
              (std::set<std::string>{"acme/api:v1", "acme/db:v1", "acme/proxy:v1", "acme/web:v1",
                                     "acme/worker:v1"}));
    EXPECT_EQ(listing_requests_to("/v2/namespaces/acme/repositories"), 3u);
}

TEST_F(HubSourceTest, FetchesEachSourceManifestOnce) {
    start_hub({}, acme);
    const auto run = sync(plan("acme"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(hub_->pulls(), acme.size());
}

TEST_F(HubSourceTest, FallsBackToTheOlderRepositoriesEndpoint) {
    HubFakeOptions options;
    options.legacy_only = true;
    start_hub(options, {"acme/api", "acme/web"});
    const auto run = sync(plan("acme"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"acme/api:v1", "acme/web:v1"}));
    EXPECT_EQ(listing_requests_to("/v2/namespaces/acme/repositories"), 1u);
    EXPECT_EQ(listing_requests_to("/v2/repositories/acme/"), 1u);
}

TEST_F(HubSourceTest, UnknownOrganizationFailsNamingIt) {
    start_hub({}, {"acme/api"});
    const auto run = sync(plan("nobody"));
    EXPECT_NE(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("nobody"), std::string::npos) << run.cli.describe();
}

TEST_F(HubSourceTest, OfficialImagesKeepLibraryNamespaceByDefault) {
    start_hub({}, {"library/nginx", "library/redis"});
    const auto run = sync(plan("library"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(),
              (std::set<std::string>{"library/nginx:v1", "library/redis:v1"}));
}

TEST_F(HubSourceTest, LibraryNamespaceFalseDropsLibraryFromDestinationNames) {
    start_hub({}, {"library/nginx", "library/redis"});
    const auto run = sync(plan("library", "    library_namespace: false\n"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"nginx:v1", "redis:v1"}));
}

TEST_F(HubSourceTest, ShortOfficialNamesArePulledFromLibrary) {
    start_hub({}, {"library/nginx", "library/redis"});
    const auto run = sync(plan("library", "    repositories: [nginx]\n"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"library/nginx:v1"}));
}

TEST_F(HubSourceTest, PausesAndSaysSoWhenThePullBudgetRunsLow) {
    HubFakeOptions options;
    options.pull_limit = 4;  // low at 1 left: manifest GETs then paced at 2 s / 4 = 0.5 s
    options.window = 2s;
    start_hub(options, acme);
    const auto run = sync(plan("acme"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images().size(), acme.size());
    EXPECT_NE(run.cli.err.find("pausing"), std::string::npos) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("pull budget low: 1 of 4"), std::string::npos) << run.cli.describe();
    EXPECT_NE(run.cli.err.find("0.5s"), std::string::npos) << run.cli.describe();
}

TEST_F(HubSourceTest, WaitsWhatRetryAfterAsksAfterA429AndPullsAgain) {
    HubFakeOptions options;
    options.throttled_pulls = {2};
    options.retry_after = 2s;
    start_hub(options, {"acme/api", "acme/web", "acme/db"});
    const auto run = sync(plan("acme"));
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images().size(), 3u);
    EXPECT_EQ(hub_->throttled(), 1u);
    EXPECT_EQ(hub_->pulls(), 3u);
    EXPECT_GE(run.cli.elapsed, 2s);
    EXPECT_NE(run.cli.err.find("429 Too Many Requests asked to retry after 2s"), std::string::npos)
        << run.cli.describe();
}

}  // namespace
}  // namespace regmigrate::testing
