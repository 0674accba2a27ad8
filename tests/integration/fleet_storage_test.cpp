// fleetgen's storage mode is faithful: a docker-registry started on a storage directory
// fleet::store_fleet wrote serves the same repositories, tags, manifests and blobs as a
// registry the same fleet spec was pushed to over HTTP.
#include "tests/support/http_fetch.hpp"
#include "tests/support/image_contents.hpp"
#include "tests/support/registry_catalog.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/sync_cli.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/fleet/codec.hpp"
#include "tools/fleet/fleet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace regmigrate::testing {
namespace {

// Multi-arch and single-arch, Docker and OCI, shared base layers and own layers: every
// kind of write the storage writer makes.
fleet::FleetSpec mixed_fleet_spec() {
    fleet::FleetSpec spec;
    spec.repositories = 5;
    spec.tags = 3;
    spec.base_layers = 2;
    spec.base_layer_size = 16 * 1024;
    spec.unique_layer_size = 2 * 1024;
    spec.multiarch_share = 0.4;
    spec.oci_share = 0.5;
    spec.seed = 11;
    spec.prefix = "stored";
    return spec;
}

class FleetStorageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto stored = fleet::store_fleet(mixed_fleet_spec(), storage_.path(), 2);
        ASSERT_TRUE(stored) << stored.error().message;
        stored_fleet_ = std::move(*stored);
        stored_registry_.emplace(RegistryOptions{.storage_dir = storage_.path()});

        auto pushed = fleet::push_fleet(mixed_fleet_spec(), {pushed_registry_.host()}, 2);
        ASSERT_TRUE(pushed) << pushed.error().message;
        pushed_fleet_ = std::move(*pushed);
        // Both kinds of tag must be there, or the comparisons prove less.
        ASSERT_GT(pushed_fleet_.manifests, pushed_fleet_.images);
        ASSERT_LT(pushed_fleet_.manifests, 3 * pushed_fleet_.images);
    }

    std::set<std::string> tagged_images(const RegistryProcess& registry) const {
        auto images = list_tagged_images(registry.host());
        EXPECT_TRUE(images) << images.error().message;
        return images ? *images : std::set<std::string>{};
    }

    TempDir storage_{"regmigrate-fleet-storage"};
    std::optional<RegistryProcess> stored_registry_;
    RegistryProcess pushed_registry_;
    fleet::FleetSummary stored_fleet_;
    fleet::FleetSummary pushed_fleet_;
};

TEST_F(FleetStorageTest, StoringWritesTheSameImagesAndBlobsAsPushing) {
    ASSERT_EQ(stored_fleet_.tagged.size(), pushed_fleet_.tagged.size());
    for (std::size_t i = 0; i < pushed_fleet_.tagged.size(); ++i) {
        const auto& stored = stored_fleet_.tagged[i];
        const auto& pushed = pushed_fleet_.tagged[i];
        EXPECT_EQ(
            stored.repository + ":" + stored.tag + " " + stored.digest + " " + stored.media_type,
            pushed.repository + ":" + pushed.tag + " " + pushed.digest + " " + pushed.media_type);
    }
    EXPECT_EQ(stored_fleet_.manifests, pushed_fleet_.manifests);
    EXPECT_EQ(stored_fleet_.unique_blobs, pushed_fleet_.unique_blobs);
    EXPECT_EQ(stored_fleet_.unique_blob_bytes, pushed_fleet_.unique_blob_bytes);
}

TEST_F(FleetStorageTest, RegistryOnTheStorageListsTheSameCatalogAsThePushedOne) {
    const auto stored = list_repositories(stored_registry_->host());
    const auto pushed = list_repositories(pushed_registry_.host());
    ASSERT_TRUE(stored) << stored.error().message;
    ASSERT_TRUE(pushed) << pushed.error().message;
    EXPECT_EQ(stored->size(), mixed_fleet_spec().repositories);
    EXPECT_EQ(*stored, *pushed);
}

TEST_F(FleetStorageTest, RegistryOnTheStorageListsEveryTag) {
    const auto stored = tagged_images(*stored_registry_);
    EXPECT_EQ(stored.size(), pushed_fleet_.images);
    EXPECT_EQ(stored, tagged_images(pushed_registry_));
}

TEST_F(FleetStorageTest, EveryTagServesTheManifestPushingStores) {
    fleet::RegistryWriter stored_reader({stored_registry_->host()});
    fleet::RegistryWriter pushed_reader({pushed_registry_.host()});
    for (const auto& image : pushed_fleet_.tagged) {
        const auto stored = stored_reader.get_manifest(image.repository, image.tag);
        const auto pushed = pushed_reader.get_manifest(image.repository, image.tag);
        ASSERT_TRUE(stored) << stored.error().message;
        ASSERT_TRUE(pushed) << pushed.error().message;
        EXPECT_EQ(stored->digest, image.digest) << image.repository << ":" << image.tag;
        EXPECT_EQ(stored->media_type, pushed->media_type) << image.repository << ":" << image.tag;
        EXPECT_EQ(stored->bytes, pushed->bytes) << image.repository << ":" << image.tag;
    }
}

TEST_F(FleetStorageTest, EveryReferencedBlobIsServedFromItsRepositoryWithItsDigest) {
    fleet::RegistryWriter reader({stored_registry_->host()});
    std::size_t checked = 0;
    for (const auto& image : stored_fleet_.tagged) {
        // Follows indexes to their children, so manifests stored by digest are read too.
        const auto blobs = referenced_blobs(reader, image.repository, image.tag);
        ASSERT_TRUE(blobs) << blobs.error().message;
        for (const auto& [digest, size] : *blobs) {
            FetchRequest request;
            request.url =
                stored_registry_->base_url() + "/v2/" + image.repository + "/blobs/" + digest;
            const auto response = fetch(request);
            ASSERT_TRUE(response) << response.error().message;
            ASSERT_EQ(response->status, 200) << request.url;
            EXPECT_EQ(response->body.size(), size) << request.url;
            EXPECT_EQ(fleet::sha256_digest(response->body), digest) << request.url;
            ++checked;
        }
    }
    EXPECT_GT(checked, stored_fleet_.images * 2);
}

TEST_F(FleetStorageTest, RegmigrateVerifyFindsThePushedFleetMatchedInTheStoredOne) {
    SyncCli cli{REGMIGRATE_BINARY};
    const auto run =
        cli.run("verify", pushed_registry_.host(), stored_registry_->host(), plain_http());
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->images.size(), pushed_fleet_.images);
    EXPECT_EQ(std::count_if(run.report->images.begin(), run.report->images.end(),
                            [](const ReportImage& image) { return image.status == "matched"; }),
              static_cast<std::ptrdiff_t>(pushed_fleet_.images))
        << run.report->text;
}

TEST_F(FleetStorageTest, SkopeoInspectsEveryStoredTagWithItsDigest) {
    for (const auto& image : pushed_fleet_.tagged) {
        const auto result = run_command(
            {"skopeo", "inspect", "--raw", "--tls-verify=false",
             "docker://" + stored_registry_->host() + "/" + image.repository + ":" + image.tag},
            std::chrono::seconds(60));
        ASSERT_EQ(result.exit_code, 0) << result.output;
        EXPECT_EQ(fleet::sha256_digest(result.output), image.digest)
            << image.repository << ":" << image.tag;
    }
}

}  // namespace
}  // namespace regmigrate::testing
