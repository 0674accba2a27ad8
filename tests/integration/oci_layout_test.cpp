// OCI image layouts (oci:DIR[:TAG]) as both ends of `regmigrate copy`, between real
// docker-registry processes: registry → layout → registry keeps every digest, skopeo
// reads the layouts we write, reruns write nothing, interrupted exports are completed;
// and as either end of `regmigrate sync`, one layout per repository.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/image_contents.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace regmigrate::testing {
namespace {

namespace fs = std::filesystem;
using fleet::ManifestFormat;

class OciLayoutTest : public ::testing::Test {
  protected:
    std::string layout(const std::string& tag = {}) const {
        return "oci:" + layout_dir_.string() + (tag.empty() ? "" : ":" + tag);
    }
    std::string at(const RegistryProcess& registry, const std::string& path) const {
        return registry.host() + "/" + path;
    }
    CopyOutcome copy(const std::string& source, const std::string& destination) {
        auto run = cli_.copy(source, destination, plain_http());
        EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
        EXPECT_TRUE(run.report) << run.report.error().message;
        return run;
    }
    fs::path blob_file(const std::string& digest) const {
        return layout_dir_ / "blobs" / "sha256" / digest.substr(7);
    }

    // The second registry serves the same manifest bytes as the first, and every blob.
    void expect_same_image(const std::string& repository, const std::string& reference) {
        const auto expected = source_reader_.get_manifest("team/app", reference);
        const auto copied = destination_reader_.get_manifest(repository, reference);
        ASSERT_TRUE(expected) << expected.error().message;
        ASSERT_TRUE(copied) << copied.error().message;
        EXPECT_EQ(copied->digest, expected->digest);
        EXPECT_EQ(copied->media_type, expected->media_type);
        EXPECT_EQ(copied->bytes, expected->bytes);
        const auto blobs = referenced_blobs(source_reader_, "team/app", reference);
        ASSERT_TRUE(blobs) << blobs.error().message;
        for (const auto& [digest, size] : *blobs)
            EXPECT_TRUE(destination_reader_.blob_exists(repository, digest).value()) << digest;
    }

    // The largest layer of a one-platform image: what an interrupted export lacks.
    std::pair<std::string, std::uint64_t> largest_layer(const std::string& tag) {
        const auto blobs = referenced_blobs(source_reader_, "team/app", tag).value();
        return *std::max_element(blobs.begin(), blobs.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    fleet::RegistryWriter source_reader_{{source_.host()}};
    fleet::RegistryWriter destination_reader_{{destination_.host()}};
    RegmigrateCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"regmigrate-oci"};
    fs::path layout_dir_ = dir_.path() / "layout";
};

TEST_F(OciLayoutTest, MultiArchIndexSurvivesRegistryToLayoutToRegistryWithEveryDigest) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci, 2));
    copy(at(source_, "team/app:v1"), layout("v1"));
    copy(layout("v1"), at(destination_, "mirror/app:v1"));
    expect_same_image("mirror/app", "v1");
    const auto children =
        index_children(source_reader_.get_manifest("team/app", "v1").value().bytes).value();
    ASSERT_EQ(children.size(), 2u);
    for (const auto& child : children)
        expect_same_image("mirror/app", child.digest);
}

TEST_F(OciLayoutTest, DockerImageSurvivesTheRoundTripWithItsDigest) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
    copy(at(source_, "team/app:v1"), layout("v1"));
    copy(layout("v1"), at(destination_, "mirror/app:v1"));
    expect_same_image("mirror/app", "v1");
}

TEST_F(OciLayoutTest, EveryTagBecomesARefNameAndComesBackAsATag) {
    const std::vector<std::string> tags{"1.0", "2.0", "latest"};
    for (std::size_t i = 0; i < tags.size(); ++i)
        push_image(source_.host(),
                   sample_image("team/app", tags[i], ManifestFormat::oci, 1, i + 1));
    const auto exported = copy(at(source_, "team/app"), layout());
    ASSERT_TRUE(exported.report);
    EXPECT_EQ(exported.report->summary.images_copied, 3u);
    const auto imported = copy(layout(), at(destination_, "mirror/app"));
    ASSERT_TRUE(imported.report);
    EXPECT_EQ(imported.report->summary.images_copied, 3u);
    auto copied = destination_reader_.list_tags("mirror/app").value();
    std::sort(copied.begin(), copied.end());
    EXPECT_EQ(copied, tags);
    for (const auto& tag : tags)
        expect_same_image("mirror/app", tag);
}

TEST_F(OciLayoutTest, SkopeoInspectsAndCopiesTheLayoutWeWrote) {
    const auto pushed =
        push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    copy(at(source_, "team/app:v1"), layout("v1"));
    const auto inspected = run_command({"skopeo", "inspect", "--raw", layout("v1")});
    ASSERT_EQ(inspected.exit_code, 0) << inspected.output;
    EXPECT_EQ(inspected.output, source_reader_.get_manifest("team/app", "v1").value().bytes);
    const auto described = run_command({"skopeo", "inspect", layout("v1")});
    ASSERT_EQ(described.exit_code, 0) << described.output;
    EXPECT_NE(described.output.find(pushed.digest), std::string::npos) << described.output;
    const auto copied =
        run_command({"skopeo", "copy", layout("v1"), "dir:" + (dir_.path() / "out").string()});
    EXPECT_EQ(copied.exit_code, 0) << copied.output;
}

TEST_F(OciLayoutTest, RerunIntoTheSameLayoutWritesNothing) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci, 2));
    const auto first = copy(at(source_, "team/app:v1"), layout("v1"));
    ASSERT_TRUE(first.report);
    EXPECT_GT(first.report->summary.bytes_transferred, 0u);
    const auto again = copy(at(source_, "team/app:v1"), layout("v1"));
    ASSERT_TRUE(again.report);
    EXPECT_EQ(again.report->summary.bytes_transferred, 0u);
    EXPECT_EQ(again.report->summary.images_copied, 1u);
}

TEST_F(OciLayoutTest, RerunCompletesAnExportMissingABlobAndIgnoresItsTornFile) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
    copy(at(source_, "team/app:v1"), layout("v1"));
    const auto [digest, size] = largest_layer("v1");
    // What a crash mid-blob leaves: the blob absent, a partial temporary file.
    fs::remove(blob_file(digest));
    std::ofstream(blob_file(digest).string() + ".tmp-00000000deadbeef") << "partial";
    const auto rerun = copy(at(source_, "team/app:v1"), layout("v1"));
    ASSERT_TRUE(rerun.report);
    EXPECT_EQ(rerun.report->summary.bytes_transferred, size);
    EXPECT_EQ(fs::file_size(blob_file(digest)), size);
    copy(layout("v1"), at(destination_, "mirror/app:v1"));
    expect_same_image("mirror/app", "v1");
}

TEST_F(OciLayoutTest, ImportOfALayoutMissingABlobFailsThatImage) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
    copy(at(source_, "team/app:v1"), layout("v1"));
    fs::remove(blob_file(largest_layer("v1").first));
    const auto run = cli_.copy(layout("v1"), at(destination_, "mirror/app:v1"), plain_http());
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    EXPECT_FALSE(destination_reader_.get_manifest("mirror/app", "v1"));
}

// index.json is whatever the directory's writer put there: a ref name that is no tag fails
// its own image (once, Boost.URL threw on "v1%" while building the push URL: SIGABRT, no
// report), the other tags are copied.
TEST_F(OciLayoutTest, RefNameThatIsNoTagFailsItsImageAndTheRunGoesOn) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    copy(at(source_, "team/app:v1"), layout("v1"));
    const auto index_file = layout_dir_ / "index.json";
    std::ifstream in(index_file);
    auto index = boost::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    auto& manifests = index.at("manifests").as_array();
    boost::json::value hostile = manifests.at(0);
    hostile.at("annotations").as_object()["org.opencontainers.image.ref.name"] = "v1%";
    manifests.push_back(hostile);
    std::ofstream(index_file, std::ios::trunc) << boost::json::serialize(index);

    const auto run = cli_.copy(layout(), at(destination_, "mirror/app"), plain_http());
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message << run.cli.describe();
    EXPECT_EQ(run.report->summary.images_copied, 1u);
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    const auto failed =
        std::find_if(run.report->images.begin(), run.report->images.end(),
                     [](const ReportImage& image) { return image.status == "failed"; });
    ASSERT_NE(failed, run.report->images.end());
    EXPECT_NE(failed->error.find("\"v1%\""), std::string::npos) << failed->error;
    EXPECT_NE(failed->error.find("index.json"), std::string::npos) << failed->error;
    expect_same_image("mirror/app", "v1");
}

class OciLayoutSyncTest : public SyncFleetTest {
  protected:
    std::string layouts() const { return "oci:" + layouts_.path().string(); }

    TempDir layouts_{"regmigrate-oci-sync"};
};

TEST_F(OciLayoutSyncTest, FleetExportedToLayoutsAndImportedVerifiesAgainstTheSource) {
    const auto exported = cli_.run("sync", source_.host(), layouts(), plain_http());
    ASSERT_EQ(exported.cli.exit_code, 0) << exported.cli.describe();
    ASSERT_TRUE(exported.report) << exported.report.error().message;
    EXPECT_EQ(exported.report->summary.images_copied, fleet_.tagged.size());
    for (const auto& image : fleet_.tagged)
        EXPECT_TRUE(fs::exists(layouts_.path() / image.repository / "oci-layout"))
            << image.repository;

    const auto imported = cli_.run("sync", layouts(), destination_.host(), plain_http());
    ASSERT_EQ(imported.cli.exit_code, 0) << imported.cli.describe();
    ASSERT_TRUE(imported.report) << imported.report.error().message;
    EXPECT_EQ(imported.report->summary.images_copied, fleet_.tagged.size());
    EXPECT_EQ(destination_images(), image_names(fleet_));
    const auto verified = verify();
    EXPECT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
}

TEST_F(OciLayoutSyncTest, SecondExportSkipsEveryImageAndWritesNothing) {
    ASSERT_EQ(cli_.run("sync", source_.host(), layouts(), plain_http()).cli.exit_code, 0);
    const auto again = cli_.run("sync", source_.host(), layouts(), plain_http());
    ASSERT_EQ(again.cli.exit_code, 0) << again.cli.describe();
    ASSERT_TRUE(again.report) << again.report.error().message;
    EXPECT_EQ(again.report->summary.images_skipped, fleet_.tagged.size());
    EXPECT_EQ(again.report->summary.bytes_transferred, 0u);
}

}  // namespace
}  // namespace regmigrate::testing
