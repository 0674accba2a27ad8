// A legacy v1 registry (our faithful fake, tests/support/v1_fake.hpp) as the source of
// sync, verify and migrate into a real docker-registry; what lands there is read back with
// skopeo: config diff_ids hash the uncompressed layers, layers unpack to the original files.
#include "registry/content/gzip_stream.hpp"
#include "registry/content/sha256.hpp"
#include "tests/support/copy_report.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/sync_cli.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/v1_fake.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

namespace regmigrate::testing {
namespace {

std::string gzip(std::string_view data) {
    std::string out;
    registry::GzipCompressor compressor([&](std::string_view bytes) { out.append(bytes); });
    compressor.write(data);
    compressor.finish();
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class V1SourceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fake_.add_image("", ustar_archive({{"etc/os-release", "ID=v1test\n"}}),
                                "#(nop) ADD file:base in /");
        // A gzip layer, then an empty one (ENV): two v1 images, one v2 layer.
        one_ = fake_.add_image(base_, gzip(ustar_archive({{"app/one.txt", "one\n"}})),
                               "echo one > /app/one.txt");
        one_env_ = fake_.add_image(one_, std::string(1024, '\0'), "#(nop) ENV MODE=one");
        two_ = fake_.add_image(base_, ustar_archive({{"app/two.txt", "two\n"}}),
                               "echo two > /app/two.txt");
        solo_ = fake_.add_image("", ustar_archive({{"solo", "alone\n"}}), "#(nop) ADD solo");
        fake_.tag("acme/one", "latest", one_env_);
        fake_.tag("acme/two", "1.0", two_);
        fake_.tag("library/solo", "latest", solo_);
    }

    SyncOutcome sync(const std::string& command = "sync") {
        return cli_.run(command, fake_.host(), destination_.host(), plain_http());
    }

    CommandResult skopeo(std::vector<std::string> args) {
        args.insert(args.begin(), "skopeo");
        return run_command(args, std::chrono::seconds(60));
    }

    std::string docker_ref(const std::string& image) {
        return "docker://" + destination_.host() + "/" + image;
    }

    V1Fake fake_;  // search pages of 2: three repositories span two pages
    RegistryProcess destination_;
    SyncCli cli_{REGMIGRATE_BINARY};
    TempDir dir_{"regmigrate-v1-source"};
    std::string base_, one_, one_env_, two_, solo_;
};

TEST_F(V1SourceTest, SyncCopiesEveryTagOfEverySearchPage) {
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 3u) << run.report->text;
    for (const char* image : {"acme/one:latest", "acme/two:1.0", "library/solo:latest"}) {
        const auto inspected =
            skopeo({"inspect", "--raw", "--tls-verify=false", docker_ref(image)});
        EXPECT_EQ(inspected.exit_code, 0) << image << ": " << inspected.output;
    }
}

TEST_F(V1SourceTest, ConfigDiffIdsHashTheUncompressedLayersAndLayersUnpackToTheFiles) {
    ASSERT_EQ(sync().cli.exit_code, 0);
    const auto out = dir_.path() / "one";
    const auto copied = skopeo(
        {"copy", "--src-tls-verify=false", docker_ref("acme/one:latest"), "dir:" + out.string()});
    ASSERT_EQ(copied.exit_code, 0) << copied.output;
    const auto manifest = boost::json::parse(read_file(out / "manifest.json")).as_object();
    const std::string config_hex =
        std::string(manifest.at("config").at("digest").as_string()).substr(7);
    const auto config = boost::json::parse(read_file(out / config_hex)).as_object();
    const auto& diff_ids = config.at("rootfs").at("diff_ids").as_array();
    const auto& layers = manifest.at("layers").as_array();
    // base + the gzip layer; the ENV image is an empty layer in history only.
    ASSERT_EQ(layers.size(), 2u);
    ASSERT_EQ(diff_ids.size(), 2u);
    EXPECT_EQ(config.at("history").as_array().size(), 3u);
    EXPECT_TRUE(config.at("history").at(2).at("empty_layer").as_bool());
    const std::vector<std::pair<std::string, std::string>> files{{"etc/os-release", "ID=v1test\n"},
                                                                 {"app/one.txt", "one\n"}};
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto blob = out / std::string(layers[i].at("digest").as_string()).substr(7);
        const auto unpacked = run_command({"gzip", "-dc", blob.string()});
        ASSERT_EQ(unpacked.exit_code, 0) << unpacked.output;
        EXPECT_EQ(registry::sha256_digest(unpacked.output), diff_ids[i].as_string()) << i;
        const auto into = dir_.path() / ("layer" + std::to_string(i));
        std::filesystem::create_directories(into);
        const auto extracted = run_command({"tar", "-xzf", blob.string(), "-C", into.string()});
        ASSERT_EQ(extracted.exit_code, 0) << extracted.output;
        EXPECT_EQ(read_file(into / files[i].first), files[i].second);
    }
}

TEST_F(V1SourceTest, ConfigCarriesTheV1ImageJson) {
    ASSERT_EQ(sync().cli.exit_code, 0);
    const auto inspected =
        skopeo({"inspect", "--config", "--tls-verify=false", docker_ref("acme/two:1.0")});
    ASSERT_EQ(inspected.exit_code, 0) << inspected.output;
    const auto config = boost::json::parse(inspected.output).as_object();
    EXPECT_EQ(config.at("architecture").as_string(), "amd64");
    EXPECT_EQ(config.at("os").as_string(), "linux");
    EXPECT_EQ(config.at("config").at("Cmd").at(0).as_string(), "sh");
    EXPECT_EQ(config.at("history").at(1).at("created_by").as_string(),
              "/bin/sh -c echo two > /app/two.txt");
}

TEST_F(V1SourceTest, SharedLayerIsUploadedOnce) {
    const auto run = sync();
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    // Layers base, one, two, solo and three configs go up once; the base layer, shared by
    // two repositories, is mounted into the second.
    EXPECT_EQ(run.report->summary.blobs_uploaded, 7u) << run.report->text;
    EXPECT_EQ(run.report->summary.blobs_mounted, 1u) << run.report->text;
    // Hashed once for both images, uploaded once: two reads at most.
    EXPECT_LE(fake_.layer_downloads(base_), 2u);
}

TEST_F(V1SourceTest, RerunMovesNothing) {
    ASSERT_EQ(sync().cli.exit_code, 0);
    const auto again = sync();
    ASSERT_EQ(again.cli.exit_code, 0) << again.cli.describe();
    ASSERT_TRUE(again.report) << again.report.error().message;
    EXPECT_EQ(again.report->summary.images_skipped, 3u) << again.report->text;
    EXPECT_EQ(again.report->summary.bytes_transferred, 0u);
    EXPECT_EQ(again.report->summary.blobs_uploaded, 0u);
}

TEST_F(V1SourceTest, VerifyMatchesAfterSyncAndNotBefore) {
    const auto before = sync("verify");
    EXPECT_NE(before.cli.exit_code, 0) << before.cli.describe();
    ASSERT_EQ(sync().cli.exit_code, 0);
    const auto after = sync("verify");
    EXPECT_EQ(after.cli.exit_code, 0) << after.cli.describe();
}

TEST_F(V1SourceTest, GzipBombFailsItsImageAndOthersComplete) {
    // 100 MiB of zeros compress ~1000:1, past the 500:1 bound.
    const std::string bomb = fake_.add_image("", gzip(std::string(100 << 20, '\0')), "bomb");
    fake_.tag("acme/bomb", "latest", bomb);
    const auto run = sync();
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 3u) << run.report->text;
    EXPECT_EQ(run.report->summary.images_failed, 1u) << run.report->text;
    bool named = false;
    for (const auto& image : run.report->images) {
        if (image.status == "failed") {
            named = image.error.find("layer " + bomb + ": gzip bomb") != std::string::npos;
            EXPECT_TRUE(named) << image.error;
        }
    }
    EXPECT_TRUE(named) << run.report->text;
}

TEST_F(V1SourceTest, MigrateEnvModeReadsAV1Registry) {
    RegmigrateCli cli(REGMIGRATE_BINARY);
    const auto report = dir_.path() / "migrate.json";
    const auto run =
        cli.run({"migrate", "--report", report.string()}, {{"V1_REGISTRY", fake_.host()},
                                                           {"V2_REGISTRY", destination_.host()},
                                                           {"USE_HTTP", "true"},
                                                           {"NO_LOGIN", "true"},
                                                           {"USER_PROMPT", "false"}});
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    const auto read = read_copy_report(report);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->summary.images_copied, 3u) << read->text;
}

}  // namespace
}  // namespace regmigrate::testing
