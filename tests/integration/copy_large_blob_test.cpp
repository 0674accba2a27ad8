// A layer larger than any buffer regmigrate should hold: it must stream registry to
// registry with bounded memory and arrive with its digest intact.
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sanitizer_build.hpp"
#include "tools/fleet/byte_source.hpp"
#include "tools/fleet/image_builder.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace regmigrate::testing {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
// One byte past a power of two, so no buffer size divides it evenly.
constexpr std::uint64_t kLayerSize = 256 * kMiB + 1;
constexpr std::uint64_t kPeakRssLimit = 64 * kMiB;

TEST(CopyLargeBlobTest, LayerOver256MiBStreamsWithin64MiBOfMemoryAndKeepsItsDigest) {
    RegistryProcess source;
    RegistryProcess destination;
    fleet::RegistryWriter writer({source.host()});
    fleet::ByteSource content(0x1a7e);
    const std::string layer =
        writer
            .push_blob_stream("big/app", kLayerSize,
                              [&](char* out, std::size_t size) { content.fill(out, size); })
            .value();
    const fleet::BuiltImage image = fleet::build_image(
        {fleet::ManifestFormat::oci, {}, {{fleet::media_type::oci_layer, layer, kLayerSize}}});
    writer.push_blob("big/app", image.config).value();
    writer.push_manifest("big/app", "v1", image.manifest_descriptor.media_type, image.manifest)
        .value();

    RegmigrateCli cli(REGMIGRATE_BINARY);
    const auto run =
        cli.copy(source.host() + "/big/app:v1", destination.host() + "/big/app:v1", plain_http());
    const double seconds = static_cast<double>(run.cli.elapsed.count()) / 1000.0;
    std::cout << "[measure] copied a " << kLayerSize << "-byte layer in " << seconds << " s ("
              << static_cast<double>(kLayerSize) / kMiB / seconds << " MiB/s), peak RSS "
              << static_cast<double>(run.cli.peak_rss_bytes) / kMiB << " MiB" << std::endl;

    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    if (kPeakRssIsMeaningful) {
        EXPECT_LE(run.cli.peak_rss_bytes, kPeakRssLimit);
    }
    fleet::RegistryWriter reader({destination.host()});
    // The registry only commits an upload whose bytes hash to the digest it was given.
    EXPECT_TRUE(reader.blob_exists("big/app", layer).value());
    EXPECT_EQ(reader.get_manifest("big/app", "v1").value().digest,
              image.manifest_descriptor.digest);
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.bytes_transferred, kLayerSize + image.config.size());
}

}  // namespace
}  // namespace regmigrate::testing
