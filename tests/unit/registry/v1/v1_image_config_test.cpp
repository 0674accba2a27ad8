#include "registry/v1/v1_image_config.hpp"

#include "registry/content/sha256.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

namespace regmigrate::registry {
namespace {

const std::string base_id(64, 'b');
const std::string top_id(64, 'c');

V1Image image(const std::string& id, const std::string& parent, const std::string& extra) {
    const std::string json = R"({"id": ")" + id + "\"" +
                             (parent.empty() ? "" : R"(, "parent": ")" + parent + "\"") + extra +
                             "}";
    auto parsed = parse_v1_image(json, id);
    EXPECT_TRUE(parsed) << parsed.error().message;
    return parsed ? *parsed : V1Image{};
}

std::vector<V1Image> chain() {
    return {
        image(
            base_id, "",
            R"(, "created": "2015-01-01T00:00:00Z", "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) ADD file"]})"),
        image(top_id, base_id,
              R"(, "created": "2015-01-02T00:00:00Z", "author": "ops", "Size": 0,
                     "throwaway": true, "parent_id": "x", "layer_id": "y", "docker_version": "1.6.2",
                     "architecture": "arm", "os": "linux", "config": {"Env": ["A=1"], "Cmd": ["sh"]},
                     "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) ENV A=1"]})")};
}

std::vector<V1LayerDigests> layers() {
    return {{"sha256:" + std::string(64, '1'), "sha256:" + std::string(64, '2'), 1234, false},
            {"sha256:" + std::string(64, '3'), "sha256:" + std::string(64, '4'), 32, true}};
}

boost::json::object config_of(const V1ConvertedImage& converted) {
    return boost::json::parse(converted.config).as_object();
}

boost::json::object manifest_of(const V1ConvertedImage& converted) {
    return boost::json::parse(converted.manifest).as_object();
}

V1ConvertedImage converted() {
    auto image = convert_v1_image(chain(), layers());
    EXPECT_TRUE(image) << image.error().message;
    return image ? *image : V1ConvertedImage{};
}

TEST(V1ImageConfig, DiffIdsListTheNonEmptyLayersBaseFirst) {
    const auto config = config_of(converted());
    const auto& rootfs = config.at("rootfs").as_object();
    EXPECT_EQ(rootfs.at("type").as_string(), "layers");
    ASSERT_EQ(rootfs.at("diff_ids").as_array().size(), 1u);
    EXPECT_EQ(rootfs.at("diff_ids").at(0).as_string(), layers()[0].diff_id);
}

TEST(V1ImageConfig, HistoryHasOneEntryPerV1ImageWithEmptyLayersMarked) {
    const auto history = config_of(converted()).at("history").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].at("created").as_string(), "2015-01-01T00:00:00Z");
    EXPECT_EQ(history[0].at("created_by").as_string(), "/bin/sh -c #(nop) ADD file");
    EXPECT_FALSE(history[0].as_object().contains("empty_layer"));
    EXPECT_EQ(history[1].at("author").as_string(), "ops");
    EXPECT_TRUE(history[1].at("empty_layer").as_bool());
}

TEST(V1ImageConfig, ConfigKeepsTheNewestImageJsonWithoutV1OnlyKeys) {
    const auto config = config_of(converted());
    EXPECT_EQ(config.at("architecture").as_string(), "arm");
    EXPECT_EQ(config.at("os").as_string(), "linux");
    EXPECT_EQ(config.at("created").as_string(), "2015-01-02T00:00:00Z");
    EXPECT_EQ(config.at("config").at("Env").at(0).as_string(), "A=1");
    EXPECT_EQ(config.at("docker_version").as_string(), "1.6.2");
    for (const char* key : {"id", "parent", "Size", "parent_id", "layer_id", "throwaway"})
        EXPECT_FALSE(config.contains(key)) << key;
}

TEST(V1ImageConfig, MissingArchitectureAndOsDefaultToLinuxAmd64) {
    auto bare = convert_v1_image({image(base_id, "", "")}, {layers()[0]});
    ASSERT_TRUE(bare) << bare.error().message;
    const auto config = config_of(*bare);
    EXPECT_EQ(config.at("architecture").as_string(), "amd64");
    EXPECT_EQ(config.at("os").as_string(), "linux");
}

TEST(V1ImageConfig, ManifestIsSchema2WithTheConfigAndNonEmptyLayers) {
    const auto image = converted();
    const auto manifest = manifest_of(image);
    EXPECT_EQ(manifest.at("schemaVersion").as_int64(), 2);
    EXPECT_EQ(manifest.at("mediaType").as_string(),
              "application/vnd.docker.distribution.manifest.v2+json");
    EXPECT_EQ(manifest.at("config").at("digest").as_string(), image.config_digest);
    EXPECT_EQ(manifest.at("config").at("size").as_int64(),
              static_cast<std::int64_t>(image.config.size()));
    const auto& manifest_layers = manifest.at("layers").as_array();
    ASSERT_EQ(manifest_layers.size(), 1u);
    EXPECT_EQ(manifest_layers[0].at("mediaType").as_string(),
              "application/vnd.docker.image.rootfs.diff.tar.gzip");
    EXPECT_EQ(manifest_layers[0].at("digest").as_string(), layers()[0].digest);
    EXPECT_EQ(manifest_layers[0].at("size").as_int64(), 1234);
}

TEST(V1ImageConfig, DigestsHashTheBytes) {
    const auto image = converted();
    EXPECT_EQ(image.config_digest, sha256_digest(image.config));
    EXPECT_EQ(image.digest, sha256_digest(image.manifest));
}

TEST(V1ImageConfig, SameChainConvertsToTheSameDigest) {
    EXPECT_EQ(converted().digest, converted().digest);
}

TEST(V1ImageConfig, ConfigKeysAreSorted) {
    const auto config = converted().config;
    EXPECT_LT(config.find("\"architecture\""), config.find("\"config\""));
    EXPECT_LT(config.find("\"history\""), config.find("\"rootfs\""));
}

TEST(V1ImageConfig, ChainAndLayersOfDifferentLengthsAreRefused) {
    EXPECT_FALSE(convert_v1_image(chain(), {layers()[0]}));
    EXPECT_FALSE(convert_v1_image({}, {}));
}

}  // namespace
}  // namespace regmigrate::registry
