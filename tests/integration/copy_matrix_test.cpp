// `regmigrate copy` between real docker-registry processes over plain HTTP: every manifest
// format arrives digest-preserved with its blobs, all tags are copied when none is named,
// blobs already at the destination are not uploaded again, same-registry copies mount,
// and --platform picks one child of an index.
#include "tests/support/image_contents.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace regmigrate::testing {
namespace {

using fleet::ManifestFormat;

class CopyMatrixTest : public ::testing::Test {
  protected:
    static std::string at(const RegistryProcess& registry, const std::string& path) {
        return registry.host() + "/" + path;
    }

    // Copies source/team/app:v1 to destination/mirror/app:v1 and checks the run succeeded.
    void copy_tag_v1() {
        const auto run =
            cli_.copy(at(source_, "team/app:v1"), at(destination_, "mirror/app:v1"), plain_http());
        ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    }

    // The destination serves the same manifest bytes under the same digest as the source.
    void expect_same_manifest(const std::string& source_ref, const std::string& destination_ref) {
        auto source_repo = split(source_ref);
        auto destination_repo = split(destination_ref);
        const auto expected = source_reader_.get_manifest(source_repo.first, source_repo.second);
        const auto copied =
            destination_reader_.get_manifest(destination_repo.first, destination_repo.second);
        ASSERT_TRUE(expected) << expected.error().message;
        ASSERT_TRUE(copied) << copied.error().message;
        EXPECT_EQ(copied->digest, expected->digest);
        EXPECT_EQ(copied->media_type, expected->media_type);
        EXPECT_EQ(copied->bytes, expected->bytes);
    }

    // A linux/amd64 + linux/arm64 image of this format arrives whole: the list or index
    // itself, each child by digest, and every blob they reference.
    void expect_two_platform_image_copied_whole(ManifestFormat format,
                                                std::string_view expected_media_type) {
        const auto pushed = push_image(source_.host(), sample_image("team/app", "v1", format, 2));
        ASSERT_EQ(pushed.media_type, expected_media_type);
        copy_tag_v1();
        expect_same_manifest("team/app:v1", "mirror/app:v1");
        const auto children =
            index_children(source_reader_.get_manifest("team/app", "v1").value().bytes).value();
        ASSERT_EQ(children.size(), 2u);
        for (const auto& child : children) {
            expect_same_manifest("team/app@" + child.digest, "mirror/app@" + child.digest);
        }
        expect_blobs_present("team/app:v1", "mirror/app");
    }

    // Every blob the source image references exists in the destination repository.
    void expect_blobs_present(const std::string& source_ref, const std::string& repository) {
        auto [source_repository, reference] = split(source_ref);
        const auto blobs = referenced_blobs(source_reader_, source_repository, reference);
        ASSERT_TRUE(blobs) << blobs.error().message;
        ASSERT_FALSE(blobs->empty());
        for (const auto& [digest, size] : *blobs) {
            EXPECT_TRUE(destination_reader_.blob_exists(repository, digest).value()) << digest;
        }
    }

    static std::pair<std::string, std::string> split(const std::string& repo_and_reference) {
        const auto at_sign = repo_and_reference.find('@');
        const auto cut = at_sign != std::string::npos ? at_sign : repo_and_reference.rfind(':');
        return {repo_and_reference.substr(0, cut), repo_and_reference.substr(cut + 1)};
    }

    RegistryProcess source_;
    RegistryProcess destination_;
    fleet::RegistryWriter source_reader_{{source_.host()}};
    fleet::RegistryWriter destination_reader_{{destination_.host()}};
    RegmigrateCli cli_{REGMIGRATE_BINARY};
};

TEST_F(CopyMatrixTest, DockerImageArrivesWithIdenticalManifestAndEveryBlob) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker));
    copy_tag_v1();
    expect_same_manifest("team/app:v1", "mirror/app:v1");
    expect_blobs_present("team/app:v1", "mirror/app");
}

TEST_F(CopyMatrixTest, OciManifestKeepsItsDigest) {
    const auto pushed =
        push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    copy_tag_v1();
    EXPECT_EQ(destination_reader_.get_manifest("mirror/app", "v1").value().digest, pushed.digest);
    expect_same_manifest("team/app:v1", "mirror/app:v1");
    expect_blobs_present("team/app:v1", "mirror/app");
}

TEST_F(CopyMatrixTest, DockerManifestListIsCopiedWithEveryChild) {
    expect_two_platform_image_copied_whole(ManifestFormat::docker, fleet::media_type::docker_list);
}

TEST_F(CopyMatrixTest, OciIndexIsCopiedWithEveryChild) {
    expect_two_platform_image_copied_whole(ManifestFormat::oci, fleet::media_type::oci_index);
}

TEST_F(CopyMatrixTest, SourceWithoutTagCopiesEveryTag) {
    const std::vector<std::string> tags{"1.0", "1.1", "2.0", "latest"};
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const auto format = i % 2 == 0 ? ManifestFormat::docker : ManifestFormat::oci;
        push_image(source_.host(), sample_image("team/app", tags[i], format, 1, i + 1));
    }
    const auto run =
        cli_.copy(at(source_, "team/app"), at(destination_, "mirror/app"), plain_http());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 4u);
    ASSERT_EQ(run.report->images.size(), 4u);
    for (const auto& image : run.report->images) {
        EXPECT_EQ(image.status, "copied") << image.source << ": " << image.error;
    }
    auto copied_tags = destination_reader_.list_tags("mirror/app").value();
    std::sort(copied_tags.begin(), copied_tags.end());
    EXPECT_EQ(copied_tags, tags);
    for (const auto& tag : tags) {
        expect_same_manifest("team/app:" + tag, "mirror/app:" + tag);
    }
}

TEST_F(CopyMatrixTest, BlobsAlreadyAtTheDestinationAreNotUploadedAgain) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::docker, 1, 1));
    push_image(source_.host(), sample_image("team/app", "v2", ManifestFormat::docker, 1, 2));
    const auto first = referenced_blobs(source_reader_, "team/app", "v1").value();
    const auto second = referenced_blobs(source_reader_, "team/app", "v2").value();
    const auto new_blobs = blobs_missing_from(second, first);
    // The samples share their base layers; the unique layer and the config are new.
    ASSERT_EQ(new_blobs.size(), 2u);
    std::uint64_t new_bytes = 0;
    for (const auto& [digest, size] : new_blobs) {
        new_bytes += size;
    }
    copy_tag_v1();

    const auto run =
        cli_.copy(at(source_, "team/app:v2"), at(destination_, "mirror/app:v2"), plain_http());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.blobs_uploaded, new_blobs.size());
    EXPECT_EQ(run.report->summary.bytes_transferred, new_bytes);
    expect_same_manifest("team/app:v2", "mirror/app:v2");
}

TEST_F(CopyMatrixTest, SameRegistryCopyMountsEveryBlobAndTransfersNothing) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci));
    const auto blobs = referenced_blobs(source_reader_, "team/app", "v1").value();
    const auto run =
        cli_.copy(at(source_, "team/app:v1"), at(source_, "other/app:v1"), plain_http());
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.blobs_mounted, blobs.size());
    EXPECT_EQ(run.report->summary.blobs_uploaded, 0u);
    EXPECT_EQ(run.report->summary.bytes_transferred, 0u);
    EXPECT_EQ(source_reader_.get_manifest("other/app", "v1").value().digest,
              source_reader_.get_manifest("team/app", "v1").value().digest);
}

TEST_F(CopyMatrixTest, PlatformOptionCopiesOnlyThatChildOfAnIndex) {
    push_image(source_.host(), sample_image("team/app", "v1", ManifestFormat::oci, 2));
    const auto children =
        index_children(source_reader_.get_manifest("team/app", "v1").value().bytes).value();
    const auto arm64 = std::find_if(children.begin(), children.end(), [](const auto& child) {
        return child.architecture == "arm64";
    });
    const auto amd64 = std::find_if(children.begin(), children.end(), [](const auto& child) {
        return child.architecture == "amd64";
    });
    ASSERT_NE(arm64, children.end());
    ASSERT_NE(amd64, children.end());

    auto options = plain_http();
    options.insert(options.end(), {"--platform", "linux/arm64"});
    const auto run =
        cli_.copy(at(source_, "team/app:v1"), at(destination_, "mirror/app:v1"), options);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    EXPECT_EQ(destination_reader_.get_manifest("mirror/app", "v1").value().digest, arm64->digest);
    const auto other_child = destination_reader_.get_manifest("mirror/app", amd64->digest);
    ASSERT_FALSE(other_child);
    EXPECT_EQ(other_child.error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace regmigrate::testing
