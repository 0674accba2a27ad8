// Signed schema1 images (made by the test support's libtrust signer, pushed into a real
// docker-registry with schema1 enabled, which verifies their signatures) synced into a
// registry that accepts schema1 (copied as they are: same digests) and into a default one,
// which refuses schema1 (converted to schema2: read back with skopeo, the config's diff_ids
// are the uncompressed layers' sha256 and the layers the same compressed blobs).
#include "tests/support/http_fetch.hpp"
#include "tests/support/registry_process.hpp"
#include "tests/support/regmigrate_cli.hpp"
#include "tests/support/sample_images.hpp"
#include "tests/support/schema1_push.hpp"
#include "tests/support/schema1_signer.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/sync_cli.hpp"
#include "tests/support/v1_fake.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <map>

namespace regmigrate::testing {
namespace {

namespace json = boost::json;

RegistryOptions with_schema1() {
    RegistryOptions options;
    options.schema1 = true;
    return options;
}

// What the registry answers for repository:tag (a HEAD): Docker-Content-Digest.
std::string served_digest(const RegistryProcess& registry, const std::string& reference) {
    const auto colon = reference.find(':');
    FetchRequest request;
    request.method = "HEAD";
    request.url = registry.base_url() + "/v2/" + reference.substr(0, colon) + "/manifests/" +
                  reference.substr(colon + 1);
    request.headers = {{"Accept",
                        "application/vnd.docker.distribution.manifest.v2+json, "
                        "application/vnd.docker.distribution.manifest.v1+prettyjws"}};
    auto response = fetch(request);
    if (!response || response->status != 200)
        return "";
    return response->header("docker-content-digest");
}

class Schema1Test : public ::testing::Test {
  protected:
    void SetUp() override {
        const Schema1TestLayer base{ustar_archive({{"etc/os-release", "ID=legacy\n"}}),
                                    "#(nop) ADD file:base in /"};
        add("legacy/app", "1.0",
            {base,
             {"", "#(nop) ENV MODE=one", true},
             {ustar_archive({{"app/one.txt", "one\n"}}), "echo one > /app/one.txt"}});
        add("legacy/app", "2.0",
            {base, {ustar_archive({{"app/two.txt", "two\n"}}), "echo two > /app/two.txt"}});
        add("legacy/tool", "latest",
            {{ustar_archive({{"bin/tool", "#!/bin/sh\n"}}), "#(nop) ADD tool"},
             {"", "#(nop) CMD [\"/bin/tool\"]", true}});
        for (const auto& [reference, image] : images_) {
            auto pushed = push_schema1_image(source_.host(), image);
            ASSERT_TRUE(pushed) << pushed.error().message << "\n" << source_.log_tail();
            ASSERT_EQ(*pushed, image.digest) << reference;
        }
    }

    void add(const std::string& name, const std::string& tag,
             const std::vector<Schema1TestLayer>& layers) {
        images_.emplace(name + ":" + tag, make_schema1_image(name, tag, layers, signer_));
    }

    SyncOutcome sync(const RegistryProcess& destination, std::vector<std::string> options = {},
                     const std::string& command = "sync") {
        auto all = plain_http();
        all.insert(all.end(), options.begin(), options.end());
        return cli_.run(command, source_.host(), destination.host(), all);
    }

    const ReportImage* reported(const SyncOutcome& run, const std::string& reference) const {
        for (const auto& image : run.report->images) {
            if (image.source.ends_with("/" + reference))
                return &image;
        }
        return nullptr;
    }

    CommandResult skopeo(std::vector<std::string> args) {
        args.insert(args.begin(), "skopeo");
        return run_command(args, std::chrono::seconds(60));
    }

    Schema1Signer signer_;
    std::map<std::string, Schema1TestImage> images_;
    RegistryProcess source_{with_schema1()};
    RegistryProcess accepting_{with_schema1()};
    RegistryProcess refusing_;  // distribution 2.8's default: schema1 refused
    SyncCli cli_{REGMIGRATE_BINARY};
};

TEST_F(Schema1Test, RegistryVerifyingSignaturesRefusesATamperedManifest) {
    auto image = images_.at("legacy/tool:latest");
    // The payload changes under the signature: what a forged manifest looks like.
    const auto at = image.bytes.find("#(nop) ADD tool");
    image.bytes.replace(at, 15, "#(nop) ADD evil");
    auto pushed = push_schema1_image(source_.host(), image);
    ASSERT_FALSE(pushed);
    EXPECT_NE(pushed.error().message.find("MANIFEST_UNVERIFIED"), std::string::npos)
        << pushed.error().message;
}

TEST_F(Schema1Test, SyncIntoARegistryAcceptingSchema1KeepsEveryDigest) {
    const auto run = sync(accepting_);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 3u) << run.report->text;
    for (const auto& [reference, image] : images_) {
        const auto* entry = reported(run, reference);
        ASSERT_NE(entry, nullptr) << reference;
        EXPECT_EQ(entry->digest, image.digest) << reference;
        EXPECT_EQ(entry->source_digest, "") << reference;
        EXPECT_EQ(served_digest(accepting_, reference), image.digest) << reference;
    }
    ASSERT_TRUE(run.metrics);
    EXPECT_EQ(run.metrics->sum("regmigrate_schema1_conversions_total"), 0);
}

TEST_F(Schema1Test, SyncIntoARegistryRefusingSchema1ConvertsAndReportsBothDigests) {
    const auto run = sync(refusing_);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report) << run.report.error().message;
    EXPECT_EQ(run.report->summary.images_copied, 3u) << run.report->text;
    for (const auto& [reference, image] : images_) {
        const auto* entry = reported(run, reference);
        ASSERT_NE(entry, nullptr) << reference;
        EXPECT_EQ(entry->source_digest, image.digest) << reference;
        EXPECT_NE(entry->digest, image.digest) << reference;
        EXPECT_EQ(served_digest(refusing_, reference), entry->digest) << reference;
    }
    ASSERT_TRUE(run.metrics);
    EXPECT_EQ(run.metrics->sum("regmigrate_schema1_conversions_total"), 3);
}

TEST_F(Schema1Test, ConvertedConfigHasTheUncompressedLayersAsDiffIdsAndSkopeoReadsIt) {
    ASSERT_EQ(sync(refusing_).cli.exit_code, 0);
    const auto& image = images_.at("legacy/app:1.0");
    const std::string ref = "docker://" + refusing_.host() + "/legacy/app:1.0";
    const auto config = skopeo({"inspect", "--config", "--tls-verify=false", ref});
    ASSERT_EQ(config.exit_code, 0) << config.output;
    const auto parsed = json::parse(config.output).as_object();
    EXPECT_EQ(parsed.at("architecture").as_string(), "amd64");
    EXPECT_EQ(parsed.at("os").as_string(), "linux");
    const auto& diff_ids = parsed.at("rootfs").at("diff_ids").as_array();
    ASSERT_EQ(diff_ids.size(), image.diff_ids.size());
    for (std::size_t i = 0; i < diff_ids.size(); ++i)
        EXPECT_EQ(diff_ids[i].as_string(), image.diff_ids[i]) << i;
    const auto& history = parsed.at("history").as_array();
    ASSERT_EQ(history.size(), 3u);
    EXPECT_TRUE(history[1].at("empty_layer").as_bool());

    const auto raw = skopeo({"inspect", "--raw", "--tls-verify=false", ref});
    ASSERT_EQ(raw.exit_code, 0) << raw.output;
    const auto manifest = json::parse(raw.output).as_object();
    EXPECT_EQ(manifest.at("mediaType").as_string(),
              "application/vnd.docker.distribution.manifest.v2+json");
    const auto& layers = manifest.at("layers").as_array();
    ASSERT_EQ(layers.size(), image.layer_digests.size());
    for (std::size_t i = 0; i < layers.size(); ++i)
        EXPECT_EQ(layers[i].at("digest").as_string(), image.layer_digests[i]) << i;
}

TEST_F(Schema1Test, RerunSkipsConvertedImages) {
    ASSERT_EQ(sync(refusing_).cli.exit_code, 0);
    const auto again = sync(refusing_);
    ASSERT_EQ(again.cli.exit_code, 0) << again.cli.describe();
    ASSERT_TRUE(again.report);
    EXPECT_EQ(again.report->summary.images_skipped, 3u) << again.report->text;
    EXPECT_EQ(again.metrics->sum("regmigrate_manifests_pushed_total"), 0);
}

TEST_F(Schema1Test, VerifyMatchesConvertedImagesAgainstTheirConversion) {
    const auto copied = sync(refusing_);
    ASSERT_EQ(copied.cli.exit_code, 0);
    const auto verified = sync(refusing_, {}, "verify");
    ASSERT_EQ(verified.cli.exit_code, 0) << verified.cli.describe();
    ASSERT_TRUE(verified.report);
    for (const auto& [reference, image] : images_) {
        const auto* entry = reported(verified, reference);
        ASSERT_NE(entry, nullptr) << reference;
        EXPECT_EQ(entry->status, "matched") << reference;
        EXPECT_EQ(entry->digest, reported(copied, reference)->digest) << reference;
        EXPECT_EQ(entry->source_digest, image.digest) << reference;
    }
}

TEST_F(Schema1Test, ConvertModeGivesTheSameConversionWhereSchema1IsAccepted) {
    const auto refused = sync(refusing_);
    ASSERT_EQ(refused.cli.exit_code, 0);
    const auto converted = sync(accepting_, {"--schema1", "convert"});
    ASSERT_EQ(converted.cli.exit_code, 0) << converted.cli.describe();
    for (const auto& [reference, image] : images_) {
        EXPECT_EQ(reported(converted, reference)->digest, reported(refused, reference)->digest)
            << reference;
        EXPECT_EQ(served_digest(accepting_, reference), reported(refused, reference)->digest);
    }
}

TEST_F(Schema1Test, KeepModeFailsWhereSchema1IsRefused) {
    const auto run = sync(refusing_, {"--schema1", "keep", "--error-action", "skip"});
    EXPECT_EQ(run.cli.exit_code, 1) << run.cli.describe();
    ASSERT_TRUE(run.report);
    EXPECT_EQ(run.report->summary.images_failed, 3u);
    EXPECT_NE(run.report->images.at(0).error.find("unsupported"), std::string::npos)
        << run.report->images.at(0).error;
}

// skopeo as the other schema1 signer: a schema2 image it re-pushes as signed schema1
// (`--format v2s1`) converts back to the original's layers and diff_ids.
TEST_F(Schema1Test, SkopeoSignedSchema1ConvertsBackToTheOriginalLayersAndDiffIds) {
    push_image(refusing_.host(), sample_image("staging/img", "1", fleet::ManifestFormat::docker));
    const auto to_schema1 =
        skopeo({"copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--format", "v2s1",
                "docker://" + refusing_.host() + "/staging/img:1",
                "docker://" + source_.host() + "/skopeo/img:1"});
    ASSERT_EQ(to_schema1.exit_code, 0) << to_schema1.output;
    const std::string schema1_digest = served_digest(source_, "skopeo/img:1");
    ASSERT_FALSE(schema1_digest.empty());

    const auto run = sync(refusing_, {"--repo", "skopeo/img"});
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.describe();
    ASSERT_TRUE(run.report);
    const auto* entry = reported(run, "skopeo/img:1");
    ASSERT_NE(entry, nullptr) << run.report->text;
    EXPECT_EQ(entry->source_digest, schema1_digest);

    auto read_config = [&](const std::string& reference) {
        const auto out = skopeo({"inspect", "--config", "--tls-verify=false",
                                 "docker://" + refusing_.host() + "/" + reference});
        EXPECT_EQ(out.exit_code, 0) << out.output;
        return json::parse(out.output).as_object();
    };
    auto read_layers = [&](const std::string& reference) {
        const auto out = skopeo({"inspect", "--raw", "--tls-verify=false",
                                 "docker://" + refusing_.host() + "/" + reference});
        EXPECT_EQ(out.exit_code, 0) << out.output;
        const auto manifest = json::parse(out.output);
        json::array digests;
        for (const auto& layer : manifest.at("layers").as_array())
            digests.push_back(layer.at("digest"));
        return digests;
    };
    EXPECT_EQ(read_config("skopeo/img:1").at("rootfs"), read_config("staging/img:1").at("rootfs"));
    // The layers are the schema1 image's blobs (skopeo recompressed the original's), base
    // first where schema1 lists them top first.
    const auto schema1 = skopeo(
        {"inspect", "--raw", "--tls-verify=false", "docker://" + source_.host() + "/skopeo/img:1"});
    ASSERT_EQ(schema1.exit_code, 0) << schema1.output;
    const auto schema1_manifest = json::parse(schema1.output);
    json::array blob_sums;
    for (const auto& layer : schema1_manifest.at("fsLayers").as_array())
        blob_sums.insert(blob_sums.begin(), layer.at("blobSum"));
    EXPECT_EQ(read_layers("skopeo/img:1"), blob_sums);
}

}  // namespace
}  // namespace regmigrate::testing
