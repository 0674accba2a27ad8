// `regmigrate sync` and `regmigrate verify` over a small fleet between real
// docker-registry processes: a cold sync copies every tag digest-preserved and moves each
// blob once, the report and the metrics file agree, a rerun moves nothing, filters and
// the prefix select and place exactly the expected tags, increments and dry runs behave,
// and verify notices a destination that differs.
#include "tests/integration/sync_fixture.hpp"
#include "tests/support/sample_images.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <regex>
#include <utility>

namespace regmigrate::testing {
namespace {

// The report record of the source tag REPO:TAG, or nullptr.
const ReportImage* record_of(const CopyReport& report, const std::string& source_host,
                             const std::string& repo_and_tag) {
    const std::string source = source_host + "/" + repo_and_tag;
    const auto found =
        std::find_if(report.images.begin(), report.images.end(),
                     [&](const ReportImage& image) { return image.source == source; });
    return found == report.images.end() ? nullptr : &*found;
}

std::size_t count_status(const CopyReport& report, const std::string& status) {
    return static_cast<std::size_t>(
        std::count_if(report.images.begin(), report.images.end(),
                      [&](const ReportImage& image) { return image.status == status; }));
}

class SyncTest : public SyncFleetTest {
  protected:
    // Runs a sync that must succeed and returns its report.
    CopyReport sync_ok(const std::vector<std::string>& options = {}) {
        auto run = sync(options);
        EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
        EXPECT_TRUE(run.report) << run.report.error().message << "\n" << run.cli.describe();
        return run.report ? *run.report : CopyReport{};
    }

    // Config and layers of every image manifest of the fleet (each child of an index on
    // its own), with its repository, read from the source.
    std::vector<std::pair<std::string, BlobSizes>> image_manifest_blobs() {
        fleet::RegistryWriter reader({source_.host()});
        std::vector<std::pair<std::string, BlobSizes>> manifests;
        for (const auto& image : fleet_.tagged) {
            const auto top = reader.get_manifest(image.repository, image.tag).value();
            auto children = index_children(top.bytes).value();
            if (children.empty()) {
                manifests.emplace_back(image.repository, manifest_blobs(top.bytes).value());
            }
            for (const auto& child : children) {
                const auto bytes =
                    reader.get_manifest(image.repository, child.digest).value().bytes;
                manifests.emplace_back(image.repository, manifest_blobs(bytes).value());
            }
        }
        return manifests;
    }
};

TEST_F(SyncTest, ColdSyncCopiesEveryTagWithItsSourceDigest) {
    const auto report = sync_ok();
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
    EXPECT_EQ(report.summary.images_failed, 0u);
    EXPECT_EQ(count_status(report, "copied"), fleet_.images);
    EXPECT_EQ(destination_images(), image_names(fleet_));
    fleet::RegistryWriter reader({destination_.host()});
    for (const auto& image : fleet_.tagged) {
        const auto copied = reader.get_manifest(image.repository, image.tag);
        ASSERT_TRUE(copied) << image.repository << ":" << image.tag << ": "
                            << copied.error().message;
        EXPECT_EQ(copied->digest, image.digest) << image.repository << ":" << image.tag;
    }
}

TEST_F(SyncTest, VerifyAfterSyncMatchesEveryTag) {
    sync_ok();
    const auto run = verify();
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 0u);
    EXPECT_EQ(run.report->images.size(), fleet_.images);
    EXPECT_EQ(count_status(*run.report, "matched"), fleet_.images) << run.report->text;
}

TEST_F(SyncTest, ColdSyncUploadsEachUniqueBlobExactlyOnce) {
    const auto report = sync_ok();
    EXPECT_EQ(report.summary.blobs_uploaded, fleet_.unique_blobs);
    EXPECT_EQ(report.summary.bytes_transferred, fleet_.unique_blob_bytes);
}

// Mounts are single-flight too: two tags of one repository copied at once must not both
// mount the same base layer.
TEST_F(SyncTest, ColdSyncMountsEachBlobOnceIntoEveryFurtherRepositoryThatNeedsIt) {
    std::set<std::pair<std::string, std::string>> placements;  // (repository, digest)
    for (const auto& [repository, blobs] : image_manifest_blobs()) {
        for (const auto& [digest, size] : blobs) {
            placements.emplace(repository, digest);
        }
    }
    const auto report = sync_ok();
    EXPECT_EQ(report.summary.blobs_uploaded + report.summary.blobs_mounted, placements.size());
}

TEST_F(SyncTest, BlobOutcomesAccountForEveryBlobReferenceOfEveryImageManifest) {
    std::size_t references = 0;
    for (const auto& [repository, blobs] : image_manifest_blobs()) {
        references += blobs.size();
    }
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    const auto& metrics = *run.metrics;
    const double outcomes = metrics.sum("regmigrate_blobs_total", {{"result", "uploaded"}}) +
                            metrics.sum("regmigrate_blobs_total", {{"result", "mounted"}}) +
                            metrics.sum("regmigrate_blobs_total", {{"result", "existing"}}) +
                            metrics.sum("regmigrate_blobs_total", {{"result", "deduped"}});
    EXPECT_EQ(outcomes, static_cast<double>(references));
}

// The summary line names each blob count by its regmigrate_blobs_total result label.
TEST_F(SyncTest, SummaryLineCountsBlobsUnderTheMetricsResultLabels) {
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    const std::regex blobs_part(
        R"(blobs: (\d+) uploaded, (\d+) mounted, (\d+) existing, (\d+) deduped;)");
    std::smatch counts;
    ASSERT_TRUE(std::regex_search(run.cli.out, counts, blobs_part)) << run.cli.describe();
    const std::array<const char*, 4> labels{"uploaded", "mounted", "existing", "deduped"};
    for (std::size_t i = 0; i < labels.size(); ++i) {
        EXPECT_EQ(std::stoull(counts[i + 1]),
                  static_cast<unsigned long long>(
                      run.metrics->sum("regmigrate_blobs_total", {{"result", labels[i]}})))
            << labels[i] << "\n"
            << run.cli.out;
    }
}

TEST_F(SyncTest, MetricsFileAgreesWithTheReport) {
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    const auto& summary = run.report->summary;
    const auto& metrics = *run.metrics;
    const auto value = [&](const char* name, const std::map<std::string, std::string>& labels) {
        return static_cast<std::uint64_t>(metrics.sum(name, labels));
    };
    EXPECT_EQ(value("regmigrate_images_total", {{"result", "copied"}}), summary.images_copied);
    EXPECT_EQ(value("regmigrate_images_total", {{"result", "skipped"}}), summary.images_skipped);
    EXPECT_EQ(value("regmigrate_images_total", {{"result", "failed"}}), summary.images_failed);
    EXPECT_EQ(value("regmigrate_blobs_total", {{"result", "uploaded"}}), summary.blobs_uploaded);
    EXPECT_EQ(value("regmigrate_blobs_total", {{"result", "mounted"}}), summary.blobs_mounted);
    EXPECT_EQ(value("regmigrate_bytes_transferred_total", {}), summary.bytes_transferred);
    // Every image manifest and every index of the fleet, each pushed once.
    EXPECT_EQ(value("regmigrate_manifests_pushed_total", {}), fleet_.manifests);
}

TEST_F(SyncTest, RerunSkipsEveryImageAndMovesNoBytes) {
    sync_ok();
    const auto report = sync_ok();
    EXPECT_EQ(report.summary.images_skipped, fleet_.images);
    EXPECT_EQ(report.summary.images_copied, 0u);
    EXPECT_EQ(count_status(report, "skipped"), fleet_.images);
    EXPECT_EQ(report.summary.blobs_uploaded, 0u);
    EXPECT_EQ(report.summary.blobs_mounted, 0u);
    EXPECT_EQ(report.summary.bytes_transferred, 0u);
}

TEST_F(SyncTest, RerunSendsOneHeadPerSidePerTagAndWritesNothing) {
    sync_ok();
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.metrics) << run.metrics.error().message;
    const auto& metrics = *run.metrics;
    EXPECT_EQ(metrics.sum("regmigrate_http_requests_total", {{"method", "HEAD"}}),
              2.0 * static_cast<double>(fleet_.images));
    for (const char* method : {"PUT", "POST", "PATCH", "DELETE"}) {
        EXPECT_EQ(metrics.sum("regmigrate_http_requests_total", {{"method", method}}), 0.0)
            << method;
    }
    EXPECT_EQ(metrics.sum("regmigrate_manifests_pushed_total"), 0.0);
}

TEST_F(SyncTest, NoSkipExistingCopiesAgainButUploadsNoBlob) {
    sync_ok();
    const auto report = sync_ok({"--no-skip-existing"});
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
    EXPECT_EQ(report.summary.images_skipped, 0u);
    EXPECT_EQ(report.summary.blobs_uploaded, 0u);
    EXPECT_EQ(report.summary.bytes_transferred, 0u);
}

TEST_F(SyncTest, RepoFilterSelectsOnlyFullMatchesOfTheRepositoryName) {
    // The second expression matches part of fleet/app-0004 only, so it selects nothing.
    sync_ok({"--repo", "fleet/app-000[13]", "--repo", "app-0004"});
    EXPECT_EQ(destination_images(), image_names(fleet_, [](const fleet::TaggedImage& image) {
                  return image.repository == "fleet/app-0001" ||
                         image.repository == "fleet/app-0003";
              }));
}

TEST_F(SyncTest, TagFilterSelectsOnlyFullMatchesOfTheTag) {
    // "v00" is a prefix of every tag: as a full match it selects none of them. (Anchoring
    // as "^v00|v000[02]$" would select every tag.)
    sync_ok({"--tag", "v00|v000[02]"});
    EXPECT_EQ(destination_images(), image_names(fleet_, [](const fleet::TaggedImage& image) {
                  return image.tag == "v0000" || image.tag == "v0002";
              }));
}

TEST_F(SyncTest, PrefixPlacesEveryRepositoryUnderTheNamespace) {
    const auto report = sync_ok({"--prefix", "mirror"});
    EXPECT_EQ(destination_images(), image_names(fleet_, {}, "mirror"));
    const std::string expected_start = destination_.host() + "/mirror/fleet/";
    for (const auto& image : report.images) {
        EXPECT_EQ(image.destination.rfind(expected_start, 0), 0u) << image.destination;
    }
}

TEST_F(SyncTest, IncrementsStillCopyEveryImage) {
    const auto report = sync_ok({"--increment", "4", "--jobs", "2"});
    EXPECT_EQ(report.summary.images_copied, fleet_.images);
    EXPECT_EQ(report.images.size(), fleet_.images);
    EXPECT_EQ(destination_images(), image_names(fleet_));
}

TEST_F(SyncTest, DryRunPrintsThePlanAndWritesNothing) {
    const auto run = sync({"--dry-run"});
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    const std::regex plan_line(
        R"(plan: (\d+) repositories, (\d+) tags, (\d+) images, (\d+) bytes to move after dedupe)");
    std::smatch plan;
    ASSERT_TRUE(std::regex_search(run.cli.out, plan, plan_line)) << run.cli.describe();
    EXPECT_EQ(std::stoull(plan[1]), small_fleet_spec().repositories);
    EXPECT_EQ(std::stoull(plan[2]), fleet_.images);
    EXPECT_EQ(std::stoull(plan[3]), fleet_.images);
    EXPECT_EQ(std::stoull(plan[4]), fleet_.unique_blob_bytes);
    const auto repositories = list_repositories(destination_.host());
    ASSERT_TRUE(repositories) << repositories.error().message;
    EXPECT_TRUE(repositories->empty());
}

TEST_F(SyncTest, DryRunReportPlansEveryImageWithTheBytesOfItsUniqueBlobs) {
    const auto run = sync({"--dry-run"});
    EXPECT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message << "\n" << run.cli.describe();
    EXPECT_EQ(run.report->images.size(), fleet_.images);
    EXPECT_EQ(count_status(*run.report, "planned"), fleet_.images) << run.report->text;
    const auto root = boost::json::parse(run.report->text).as_object();
    const auto& summary = root.at("summary").as_object();
    EXPECT_EQ(summary.at("images_planned").to_number<std::uint64_t>(), fleet_.images);
    EXPECT_EQ(summary.at("bytes_after_dedupe").to_number<std::uint64_t>(),
              fleet_.unique_blob_bytes);
    // Each image's own size counts its shared blobs too: together more than after dedupe.
    std::uint64_t sizes = 0;
    for (const auto& entry : root.at("images").as_array())
        sizes += entry.at("size").to_number<std::uint64_t>();
    EXPECT_GT(sizes, fleet_.unique_blob_bytes);
    const auto repositories = list_repositories(destination_.host());
    ASSERT_TRUE(repositories) << repositories.error().message;
    EXPECT_TRUE(repositories->empty());
}

TEST_F(SyncTest, VerifyReportsATagPointingElsewhereAsMismatched) {
    sync_ok();
    push_image(destination_.host(),
               sample_image("fleet/app-0001", "v0001", fleet::ManifestFormat::docker));
    const auto run = verify();
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    const auto* replaced = record_of(*run.report, source_.host(), "fleet/app-0001:v0001");
    ASSERT_NE(replaced, nullptr) << run.report->text;
    EXPECT_EQ(replaced->status, "mismatched");
    EXPECT_EQ(count_status(*run.report, "matched"), fleet_.images - 1);
}

TEST_F(SyncTest, VerifyReportsADeletedTagAsMissing) {
    sync_ok();
    // distribution keeps a tag as a directory; removing it untags without touching blobs.
    const auto tag_dir = destination_.storage_dir() /
                         "docker/registry/v2/repositories/fleet/app-0002/_manifests/tags/v0002";
    ASSERT_TRUE(std::filesystem::is_directory(tag_dir)) << tag_dir;
    std::filesystem::remove_all(tag_dir);
    const auto run = verify();
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, 1u);
    const auto* deleted = record_of(*run.report, source_.host(), "fleet/app-0002:v0002");
    ASSERT_NE(deleted, nullptr) << run.report->text;
    EXPECT_EQ(deleted->status, "missing");
    EXPECT_EQ(count_status(*run.report, "matched"), fleet_.images - 1);
}

TEST_F(SyncTest, VerifyOfAnEmptyDestinationReportsEveryTagMissing) {
    const auto run = verify();
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_failed, fleet_.images);
    EXPECT_EQ(count_status(*run.report, "missing"), fleet_.images) << run.report->text;
}

}  // namespace
}  // namespace regmigrate::testing
