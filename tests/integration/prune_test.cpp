// `regmigrate sync --prune` against real docker-registry processes (distribution 2.8.2):
// a tag gone from the source is deleted at the destination; a manifest a staying tag (or
// a staying index) uses survives; repositories and tags outside the plan are never touched; a
// registry with deletes disabled gives one error per repository and exit code 1; a failed source
// listing prunes nothing; --dry-run lists and deletes nothing.
//
// distribution 2.8 cannot delete a tag alone (DELETE by tag answers 400 DIGEST_INVALID):
// a gone tag is deleted with its manifest when no staying tag uses it, kept otherwise.
#include "tests/support/fault_proxy_process.hpp"
#include "tests/support/http_fetch.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/sync_cli.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace regmigrate::testing {
namespace {

namespace json = boost::json;

constexpr const char* kManifestTypes =
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.oci.image.manifest.v1+json";

FetchResponse fetched(FetchRequest request) {
    auto response = fetch(request);
    if (!response)
        throw ErrorException(response.error());
    return *response;
}

// A deletion of a run's report: {"destination", "digest", "status", "error"}.
struct Deletion {
    std::string destination;
    std::string status;
    std::string error;
};

std::vector<Deletion> deletions_of(const SyncOutcome& run) {
    std::vector<Deletion> deletions;
    if (!run.report)
        return deletions;
    const auto root = json::parse(run.report->text).as_object();
    if (!root.contains("deletions"))
        return deletions;
    for (const auto& entry : root.at("deletions").as_array()) {
        deletions.push_back({json::value_to<std::string>(entry.at("destination")),
                             json::value_to<std::string>(entry.at("status")),
                             json::value_to<std::string>(entry.at("error"))});
    }
    return deletions;
}

std::string report_text(const SyncOutcome& run) {
    return run.report ? run.report->text : run.report.error().message;
}

class PruneTest : public ::testing::Test {
  protected:
    // A one-platform image at the source, its manifest unique to seed.
    void push(const std::string& repository, const std::string& tag, std::uint64_t seed) {
        push_image(source_.host(),
                   sample_image(repository, tag, fleet::ManifestFormat::docker, 1, seed));
    }

    // Tags `alias` at host with the manifest `tag` points at (the same digest).
    static void alias(const std::string& host, const std::string& repository,
                      const std::string& tag, const std::string& alias) {
        const auto base = "http://" + host + "/v2/" + repository + "/manifests/";
        const auto manifest = fetched({.url = base + tag, .headers = {{"Accept", kManifestTypes}}});
        ASSERT_EQ(manifest.status, 200) << manifest.body;
        const auto put = fetched({.method = "PUT",
                                  .url = base + alias,
                                  .headers = {{"Content-Type", manifest.header("content-type")}},
                                  .body = manifest.body});
        ASSERT_EQ(put.status, 201) << put.body;
    }

    // Removes one tag from the source. distribution 2.8 deletes only by digest, with every
    // tag on it: the manifest goes, and comes back under the other tags it had.
    void remove_at_source(const std::string& repository, const std::string& tag,
                          const std::vector<std::string>& other_tags_on_it = {}) {
        const auto base = "http://" + source_.host() + "/v2/" + repository + "/manifests/";
        const auto manifest = fetched({.url = base + tag, .headers = {{"Accept", kManifestTypes}}});
        ASSERT_EQ(manifest.status, 200) << manifest.body;
        const auto digest = manifest.header("docker-content-digest");
        const auto deleted = fetched({.method = "DELETE", .url = base + digest});
        ASSERT_EQ(deleted.status, 202) << deleted.body;
        for (const auto& other : other_tags_on_it) {
            const auto put =
                fetched({.method = "PUT",
                         .url = base + other,
                         .headers = {{"Content-Type", manifest.header("content-type")}},
                         .body = manifest.body});
            ASSERT_EQ(put.status, 201) << put.body;
        }
        ASSERT_EQ(served_digest(source_.host(), repository, tag), "");
    }

    SyncOutcome sync(const RegistryProcess& destination, std::vector<std::string> options = {}) {
        auto all = plain_http();
        all.insert(all.end(), options.begin(), options.end());
        return cli_.run("sync", source_.host(), destination.host(), all);
    }
    SyncOutcome sync(std::vector<std::string> options = {}) {
        return sync(destination_, std::move(options));
    }

    std::set<std::string> destination_images(const RegistryProcess& destination) const {
        auto images = list_tagged_images(destination.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }
    std::set<std::string> destination_images() const { return destination_images(destination_); }

    RegistryProcess source_;
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
};

TEST_F(PruneTest, TagRemovedAtTheSourceIsDeletedAtTheDestination) {
    push("app", "v1", 1);
    push("app", "v2", 2);
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "v1");

    const auto run = sync({"--prune"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"app:v2"}));
    const auto deletions = deletions_of(run);
    ASSERT_EQ(deletions.size(), 1u) << report_text(run);
    EXPECT_EQ(deletions[0].destination, destination_.host() + "/app:v1");
    EXPECT_EQ(deletions[0].status, "deleted");
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    EXPECT_EQ(run.metrics->sum("regmigrate_tag_deletions_total", {{"result", "deleted"}}), 1.0);
}

TEST_F(PruneTest, WithoutPruneNothingIsDeleted) {
    push("app", "v1", 1);
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "v1");

    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"app:v1"}));
    EXPECT_TRUE(deletions_of(run).empty());
}

TEST_F(PruneTest, ManifestSharedWithAStayingTagSurvives) {
    push("app", "v1", 1);
    alias(source_.host(), "app", "v1", "stable");
    push("app", "v2", 2);
    ASSERT_EQ(sync().cli.exit_code, 0);
    const auto shared = served_digest(destination_.host(), "app", "stable");
    ASSERT_FALSE(shared.empty());
    remove_at_source("app", "v1", {"stable"});

    const auto run = sync({"--prune"});
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(served_digest(destination_.host(), "app", "stable"), shared);
    EXPECT_EQ(served_digest(destination_.host(), "app", "v2"),
              served_digest(source_.host(), "app", "v2"));
    // This registry cannot delete v1 without its manifest, which stable still uses.
    const auto deletions = deletions_of(run);
    ASSERT_EQ(deletions.size(), 1u) << report_text(run);
    EXPECT_EQ(deletions[0].destination, destination_.host() + "/app:v1");
    EXPECT_EQ(deletions[0].status, "kept");
    EXPECT_NE(deletions[0].error.find(shared), std::string::npos) << deletions[0].error;
}

TEST_F(PruneTest, ManifestAStayingIndexListsSurvives) {
    const auto multi = push_image(
        source_.host(), sample_image("app", "multi", fleet::ManifestFormat::docker, 2, 1));
    const auto index = fetched({.url = "http://" + source_.host() + "/v2/app/manifests/multi",
                                .headers = {{"Accept", fleet::media_type::docker_list}}});
    ASSERT_EQ(index.status, 200) << index.body;
    const auto children = json::parse(index.body).at("manifests").as_array();
    const auto child = json::value_to<std::string>(children.at(0).at("digest"));
    alias(source_.host(), "app", child, "amd64");
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "amd64");

    const auto run = sync({"--prune"});
    // The index still lists the child: deleting it by digest would break app:multi.
    EXPECT_EQ(served_digest(destination_.host(), "app", child), child);
    EXPECT_EQ(served_digest(destination_.host(), "app", "multi"), multi.digest);
    const auto deletions = deletions_of(run);
    ASSERT_EQ(deletions.size(), 1u) << report_text(run);
    EXPECT_EQ(deletions[0].destination, destination_.host() + "/app:amd64");
    EXPECT_EQ(deletions[0].status, "kept");
}

TEST_F(PruneTest, RepositoriesOutsideThePlanAreUntouched) {
    push("app", "v1", 1);
    push("app", "v2", 2);
    push("other", "v1", 3);
    push("other", "v2", 4);
    ASSERT_EQ(sync().cli.exit_code, 0);
    // Only at the destination: no source repository of the plan maps to it.
    push_image(destination_.host(),
               sample_image("local", "v1", fleet::ManifestFormat::docker, 1, 5));
    remove_at_source("app", "v1");
    remove_at_source("other", "v1");

    const auto run = sync({"--prune", "--repo", "app"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(),
              (std::set<std::string>{"app:v2", "other:v1", "other:v2", "local:v1"}));
}

TEST_F(PruneTest, TagsOutsideTheTagFilterAreUntouched) {
    push("app", "v1", 1);
    push("app", "dev", 2);
    push("app", "v2", 3);
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "v1");
    remove_at_source("app", "dev");

    const auto run = sync({"--prune", "--tag", "v[0-9]+"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"app:dev", "app:v2"}));
}

TEST_F(PruneTest, DeletesDisabledGiveOneErrorPerRepositoryAndExitCodeOne) {
    RegistryProcess refusing(RegistryOptions{.deletes = false});
    for (const std::string repository : {"app", "web"}) {
        push(repository, "v1", repository == "app" ? 1 : 11);
        push(repository, "v2", repository == "app" ? 2 : 12);
        push(repository, "v3", repository == "app" ? 3 : 13);
    }
    ASSERT_EQ(sync(refusing).cli.exit_code, 0);
    for (const std::string repository : {"app", "web"}) {
        remove_at_source(repository, "v1");
        remove_at_source(repository, "v2");
    }

    const auto run = sync(refusing, {"--prune"});
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    EXPECT_EQ(destination_images(refusing).size(), 6u);
    const auto deletions = deletions_of(run);
    ASSERT_EQ(deletions.size(), 2u) << report_text(run);
    EXPECT_EQ(deletions[0].destination, refusing.host() + "/app");
    EXPECT_EQ(deletions[1].destination, refusing.host() + "/web");
    for (const auto& deletion : deletions) {
        EXPECT_EQ(deletion.status, "failed");
        EXPECT_NE(deletion.error.find("refuses deletes"), std::string::npos) << deletion.error;
        EXPECT_NE(deletion.error.find("405"), std::string::npos) << deletion.error;
    }
}

TEST_F(PruneTest, AFailedSourceListingPrunesNothingOfThatRepository) {
    push("app", "v1", 1);
    push("app", "v2", 2);
    push("web", "v1", 3);
    push("web", "v2", 4);
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "v1");
    remove_at_source("web", "v1");
    FaultProxyProcess proxy(FAULTPROXY_BINARY, source_.host(),
                            {"500 method=GET path=^/v2/app/tags/list"});

    auto options = plain_http();
    options.push_back("--prune");
    const auto run = cli_.run("sync", proxy.host(), destination_.host(), options);
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_GT(proxy.injected(), 0u) << proxy.output();
    // app's listing failed: its gone tag stays; web's listing was complete.
    EXPECT_EQ(destination_images(), (std::set<std::string>{"app:v1", "app:v2", "web:v2"}));
}

TEST_F(PruneTest, DryRunListsTheTagsAndDeletesNothing) {
    push("app", "v1", 1);
    push("app", "v2", 2);
    ASSERT_EQ(sync().cli.exit_code, 0);
    remove_at_source("app", "v1");

    const auto run = sync({"--prune", "--dry-run"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_NE(run.cli.out.find("delete " + destination_.host() + "/app:v1"), std::string::npos)
        << run.cli.describe();
    EXPECT_EQ(destination_images(), (std::set<std::string>{"app:v1", "app:v2"}));
}

}  // namespace
}  // namespace regmigrate::testing
