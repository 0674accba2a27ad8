#include "registry/types/schema1_image.hpp"

#include "registry/content/sha256.hpp"
#include "registry/v1/v1_image_config.hpp"
#include "tests/support/schema1_signer.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace regmigrate::registry {
namespace {

namespace json = boost::json;
using testing::make_schema1_image;
using testing::Schema1Signer;
using testing::Schema1TestImage;

Schema1TestImage sample() {
    static const Schema1Signer signer;
    return make_schema1_image("library/app", "v1",
                              {{"base files\n", "ADD base.tar /"},
                               {"", "ENV A=1", true},
                               {"app files\n", "COPY app /app"}},
                              signer);
}

// The conversion as Schema1Converter builds it: throwaway entries empty, the others
// measured (here from the test image's own digests).
V1ConvertedImage convert(const Schema1TestImage& image) {
    auto layers = schema1_layers(image.payload).value();
    std::vector<V1Image> chain;
    std::vector<V1LayerDigests> digests;
    std::size_t next = 0;
    for (auto& layer : layers) {
        V1LayerDigests measured{.empty = true};
        if (!layer.throwaway) {
            measured = {image.layer_digests[next], image.diff_ids[next], 100, false};
            ++next;
        }
        chain.push_back(layer.image);
        digests.push_back(measured);
    }
    return convert_v1_image(chain, digests).value();
}

TEST(Schema1Image, LayersComeBaseFirst) {
    const auto image = sample();
    auto layers = schema1_layers(image.payload);
    ASSERT_TRUE(layers) << layers.error().message;
    ASSERT_EQ(layers->size(), 3u);
    EXPECT_EQ(layers->front().blob_sum, image.layer_digests.front());
    EXPECT_EQ(layers->back().blob_sum, image.layer_digests.back());
    EXPECT_EQ(layers->front().image.created_by, "/bin/sh -c ADD base.tar /");
    EXPECT_TRUE(layers->front().image.parent.empty());
    EXPECT_EQ(layers->back().image.parent, (*layers)[1].image.id);
}

TEST(Schema1Image, ThrowawayEntriesAreMarked) {
    auto layers = schema1_layers(sample().payload).value();
    EXPECT_FALSE(layers[0].throwaway);
    EXPECT_TRUE(layers[1].throwaway);
    EXPECT_FALSE(layers[2].throwaway);
}

TEST(Schema1Image, FsLayersAndHistoryOfDifferentLengthsAreRefused) {
    const std::string manifest = R"({"schemaVersion":1,"fsLayers":[{"blobSum":"sha256:)" +
                                 std::string(64, 'a') + R"("}],"history":[]})";
    auto layers = schema1_layers(manifest);
    ASSERT_FALSE(layers);
    EXPECT_NE(layers.error().message.find("1 fsLayers for 0 history entries"), std::string::npos);
}

TEST(Schema1Image, HistoryEntryThatIsNotJsonIsRefused) {
    const std::string manifest = R"({"schemaVersion":1,"fsLayers":[{"blobSum":"sha256:)" +
                                 std::string(64, 'a') +
                                 R"("}],"history":[{"v1Compatibility":"{not json"}]})";
    ASSERT_FALSE(schema1_layers(manifest));
}

TEST(Schema1Image, HistoryEntryWithoutAValidIdIsRefused) {
    const std::string manifest = R"({"schemaVersion":1,"fsLayers":[{"blobSum":"sha256:)" +
                                 std::string(64, 'a') +
                                 R"("}],"history":[{"v1Compatibility":"{\"id\":\"../x\"}"}]})";
    ASSERT_FALSE(schema1_layers(manifest));
}

TEST(Schema1Image, ConfigTakesTheTopEntrysArchitectureOsAndConfig) {
    const auto config = json::parse(convert(sample()).config).as_object();
    EXPECT_EQ(config.at("architecture").as_string(), "amd64");
    EXPECT_EQ(config.at("os").as_string(), "linux");
    EXPECT_EQ(config.at("config").at("Cmd").as_array().at(0).as_string(), "/bin/sh");
    EXPECT_FALSE(config.contains("id"));
    EXPECT_FALSE(config.contains("parent"));
    EXPECT_FALSE(config.contains("throwaway"));
}

TEST(Schema1Image, HistoryHasEveryEntryBaseFirstWithThrowawayAsEmptyLayer) {
    const auto config = json::parse(convert(sample()).config).as_object();
    const auto& history = config.at("history").as_array();
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[0].at("created_by").as_string(), "/bin/sh -c ADD base.tar /");
    EXPECT_FALSE(history[0].as_object().contains("empty_layer"));
    EXPECT_TRUE(history[1].at("empty_layer").as_bool());
    EXPECT_EQ(history[2].at("created_by").as_string(), "/bin/sh -c COPY app /app");
}

TEST(Schema1Image, DiffIdsAndLayersSkipThrowawayEntriesBaseFirst) {
    const auto image = sample();
    const auto converted = convert(image);
    const auto config = json::parse(converted.config).as_object();
    const auto& diff_ids = config.at("rootfs").at("diff_ids").as_array();
    ASSERT_EQ(diff_ids.size(), 2u);
    EXPECT_EQ(diff_ids[0].as_string(), image.diff_ids[0]);
    EXPECT_EQ(diff_ids[1].as_string(), image.diff_ids[1]);
    const auto manifest = json::parse(converted.manifest).as_object();
    const auto& layers = manifest.at("layers").as_array();
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0].at("digest").as_string(), image.layer_digests[0]);
    EXPECT_EQ(layers[1].at("digest").as_string(), image.layer_digests[1]);
}

TEST(Schema1Image, ConvertingTwiceGivesTheSameDigest) {
    const auto image = sample();
    EXPECT_EQ(convert(image).digest, convert(image).digest);
}

TEST(Schema1Refusal, DistributionWithSchema1DisabledRefusesTheFormat) {
    EXPECT_TRUE(refuses_schema1(
        400,
        R"({"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"manifest type unsupported"}]})"));
}

TEST(Schema1Refusal, UnsupportedMediaTypeStatusRefusesTheFormat) {
    EXPECT_TRUE(refuses_schema1(415, ""));
}

TEST(Schema1Refusal, UnsupportedErrorCodeRefusesTheFormat) {
    EXPECT_TRUE(refuses_schema1(400, R"({"errors":[{"code":"UNSUPPORTED","message":"x"}]})"));
}

TEST(Schema1Refusal, BadSignatureIsNotARefusalOfTheFormat) {
    EXPECT_FALSE(refuses_schema1(
        400,
        R"({"errors":[{"code":"MANIFEST_UNVERIFIED","message":"manifest failed signature verification"}]})"));
}

TEST(Schema1Refusal, MissingBlobIsNotARefusalOfTheFormat) {
    EXPECT_FALSE(refuses_schema1(
        400,
        R"({"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]})"));
}

TEST(Schema1Refusal, OtherInvalidManifestIsNotARefusalOfTheFormat) {
    EXPECT_FALSE(refuses_schema1(
        400,
        R"({"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":"length of history not equal to number of layers"}]})"));
}

TEST(Schema1Refusal, Distribution28WithSchema1DisabledRefusesTheFormat) {
    // Debian's docker-registry 2.8.2, as answered to a real signed schema1 PUT.
    EXPECT_TRUE(refuses_schema1(
        500, R"({"errors":[{"code":"UNKNOWN","message":"unknown error","detail":{}}]})"));
}

TEST(Schema1Refusal, ServerErrorsWithSomethingToSayAreNotRefusals) {
    EXPECT_FALSE(refuses_schema1(
        500, R"({"errors":[{"code":"UNKNOWN","message":"unknown error","detail":"disk full"}]})"));
    EXPECT_FALSE(refuses_schema1(500, R"({"errors":[{"code":"UNKNOWN"},{"code":"UNKNOWN"}]})"));
    EXPECT_FALSE(refuses_schema1(503, R"({"errors":[{"code":"UNKNOWN","detail":{}}]})"));
}

TEST(Schema1Refusal, UnreadableBodiesAreNotRefusals) {
    EXPECT_FALSE(refuses_schema1(500, "unsupported"));
    EXPECT_FALSE(refuses_schema1(400, "unsupported"));
}

}  // namespace
}  // namespace regmigrate::registry
