#include "registry/types/manifest.hpp"

#include "registry/types/media_types.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

std::string digest_of(char c) {
    return "sha256:" + std::string(64, c);
}

std::string descriptor(std::string_view media_type, char digest_char, std::uint64_t size,
                       std::string_view extra = "") {
    return R"({"mediaType":")" + std::string(media_type) + R"(","digest":")" +
           digest_of(digest_char) + R"(","size":)" + std::to_string(size) + std::string(extra) +
           "}";
}

const std::string docker_v2 = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
  "config": )" + descriptor(media_type::docker_config, 'c', 1469) +
                              R"(,
  "layers": [)" + descriptor(media_type::docker_layer, '1', 100) +
                              "," + descriptor(media_type::docker_layer, '2', 200) + R"(]
})";

const std::string oci_image = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": )" + descriptor(media_type::oci_config, 'c', 10) +
                              R"(,
  "layers": [)" + descriptor(media_type::oci_layer_gzip, '1', 100) +
                              R"(],
  "subject": )" + descriptor(media_type::oci_manifest, '9', 500) +
                              R"(,
  "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"}
})";

const std::string oci_index =
    R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [)" +
    descriptor(media_type::oci_manifest, 'a', 500,
               R"(,"platform":{"os":"linux","architecture":"arm64","variant":"v8"})") +
    "," +
    descriptor(media_type::oci_manifest, 'b', 501,
               R"(,"platform":{"os":"linux","architecture":"amd64"})") +
    R"(]
})";

const std::string docker_list = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
  "manifests": [)" +
                                descriptor(media_type::docker_manifest, 'a', 528,
                                           R"(,"platform":{"os":"linux","architecture":"amd64"})") +
                                R"(]
})";

const std::string schema1_signed = R"({
  "schemaVersion": 1,
  "name": "library/hello",
  "tag": "latest",
  "architecture": "amd64",
  "fsLayers": [{"blobSum": ")" + digest_of('e') +
                                   R"("}, {"blobSum": ")" + digest_of('1') +
                                   R"("}, {"blobSum": ")" + digest_of('e') + R"("}],
  "history": [{"v1Compatibility": "{}"}, {"v1Compatibility": "{}"}, {"v1Compatibility": "{}"}],
  "signatures": [{"header": {"alg": "ES256"}, "signature": "c2ln", "protected": "cHJvdA"}]
})";

Manifest parsed(std::string_view bytes, std::string_view content_type) {
    auto result = parse_manifest(bytes, content_type);
    EXPECT_TRUE(result) << (result ? "" : result.error().message);
    return result ? *result : Manifest{};
}

Error refusal(std::string_view bytes, std::string_view content_type) {
    auto result = parse_manifest(bytes, content_type);
    EXPECT_FALSE(result) << "accepted: " << bytes;
    return result ? Error{} : result.error();
}

// Refused, and for the reason the test is about.
void expect_refused_for(std::string_view bytes, std::string_view content_type,
                        std::string_view reason) {
    const auto error = refusal(bytes, content_type);
    EXPECT_NE(error.message.find(reason), std::string::npos)
        << "message \"" << error.message << "\" lacks \"" << reason << "\"";
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return pos == std::string::npos ? text : text.replace(pos, from.size(), to);
}

TEST(Manifest, DockerSchema2ConfigAndLayers) {
    const auto manifest = parsed(docker_v2, media_type::docker_manifest);
    EXPECT_EQ(manifest.media_type, media_type::docker_manifest);
    EXPECT_EQ(manifest.schema_version, 2);
    ASSERT_TRUE(manifest.config);
    EXPECT_EQ(manifest.config->digest, digest_of('c'));
    EXPECT_EQ(manifest.config->size, 1469u);
    EXPECT_EQ(manifest.config->media_type, media_type::docker_config);
    ASSERT_EQ(manifest.layers.size(), 2u);
    EXPECT_EQ(manifest.layers[1].digest, digest_of('2'));
    EXPECT_EQ(manifest.layers[1].size, 200u);
    EXPECT_FALSE(manifest.is_index());
    EXPECT_TRUE(manifest.manifests.empty());
}

TEST(Manifest, BlobsAreConfigThenLayers) {
    const auto blobs = parsed(docker_v2, media_type::docker_manifest).blobs();
    ASSERT_EQ(blobs.size(), 3u);
    EXPECT_EQ(blobs[0].digest, digest_of('c'));
    EXPECT_EQ(blobs[1].digest, digest_of('1'));
    EXPECT_EQ(blobs[2].digest, digest_of('2'));
}

TEST(Manifest, OciImageWithSubjectAndAnnotations) {
    const auto manifest = parsed(oci_image, media_type::oci_manifest);
    EXPECT_EQ(manifest.media_type, media_type::oci_manifest);
    ASSERT_TRUE(manifest.subject);
    EXPECT_EQ(manifest.subject->digest, digest_of('9'));
    EXPECT_EQ(manifest.layers.size(), 1u);
}

TEST(Manifest, OciIndexChildrenWithPlatforms) {
    const auto manifest = parsed(oci_index, media_type::oci_index);
    EXPECT_TRUE(manifest.is_index());
    EXPECT_FALSE(manifest.config);
    EXPECT_TRUE(manifest.blobs().empty());
    ASSERT_EQ(manifest.manifests.size(), 2u);
    ASSERT_TRUE(manifest.manifests[0].platform);
    EXPECT_EQ(manifest.manifests[0].platform->to_string(), "linux/arm64/v8");
    EXPECT_EQ(manifest.manifests[1].platform->to_string(), "linux/amd64");
    EXPECT_EQ(manifest.manifests[1].size, 501u);
}

TEST(Manifest, DockerManifestList) {
    const auto manifest = parsed(docker_list, media_type::docker_manifest_list);
    EXPECT_TRUE(manifest.is_index());
    ASSERT_EQ(manifest.manifests.size(), 1u);
    EXPECT_EQ(manifest.manifests[0].media_type, media_type::docker_manifest);
}

TEST(Manifest, SignedSchema1LayersAreDeduplicatedInOrder) {
    const auto manifest = parsed(schema1_signed, media_type::docker_schema1_signed);
    EXPECT_EQ(manifest.schema_version, 1);
    EXPECT_FALSE(manifest.config);
    ASSERT_EQ(manifest.layers.size(), 2u);
    EXPECT_EQ(manifest.layers[0].digest, digest_of('e'));
    EXPECT_EQ(manifest.layers[1].digest, digest_of('1'));
    EXPECT_EQ(manifest.layers[0].size, 0u);
    EXPECT_EQ(manifest.layers[0].media_type, "");
    EXPECT_EQ(manifest.blobs().size(), 2u);
}

TEST(Manifest, Schema1TypeIsInferredWithoutContentType) {
    EXPECT_EQ(parsed(schema1_signed, "").media_type, media_type::docker_schema1_signed);
    const auto unsigned_schema1 = replaced(schema1_signed, R"("signatures")", R"("x-signatures")");
    EXPECT_EQ(parsed(unsigned_schema1, "application/json").media_type, media_type::docker_schema1);
}

TEST(Manifest, ContentTypeParametersAreIgnored) {
    EXPECT_EQ(
        parsed(docker_v2, std::string(media_type::docker_manifest) + "; charset=utf-8").media_type,
        media_type::docker_manifest);
}

TEST(Manifest, ContentTypeSuppliesTheTypeWhenTheBodyHasNone) {
    const auto body =
        replaced(oci_image, R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", "");
    EXPECT_EQ(parsed(body, media_type::oci_manifest).media_type, media_type::oci_manifest);
}

TEST(Manifest, TypeIsInferredForUntypedOciDocuments) {
    const auto image =
        replaced(oci_image, R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", "");
    EXPECT_EQ(parsed(image, "application/octet-stream").media_type, media_type::oci_manifest);
    const auto index =
        replaced(oci_index, R"("mediaType": "application/vnd.oci.image.index.v1+json",)", "");
    EXPECT_EQ(parsed(index, "").media_type, media_type::oci_index);
}

TEST(Manifest, GenericContentTypesDoNotContradictTheBody) {
    EXPECT_EQ(parsed(docker_v2, "application/json").media_type, media_type::docker_manifest);
    EXPECT_EQ(parsed(docker_v2, "application/octet-stream").media_type,
              media_type::docker_manifest);
    EXPECT_EQ(parsed(docker_v2, "").media_type, media_type::docker_manifest);
}

TEST(Manifest, RefusesBodyTypeContradictingContentType) {
    const auto error = refusal(docker_v2, media_type::oci_manifest);
    EXPECT_EQ(error.kind, ErrorKind::protocol);
    EXPECT_NE(error.message.find("contradicts Content-Type"), std::string::npos);
}

TEST(Manifest, RefusesIndexServedAsImage) {
    refusal(oci_index, media_type::docker_manifest);
}

TEST(Manifest, RefusesManifestsAndLayersTogether) {
    const auto body = replaced(oci_index, R"("manifests")", R"("layers": [], "manifests")");
    const auto error = refusal(body, media_type::oci_index);
    EXPECT_EQ(error.kind, ErrorKind::protocol);
    EXPECT_NE(error.message.find("both"), std::string::npos);
}

TEST(Manifest, RefusesImageWithManifestsField) {
    const auto body = replaced(oci_image, R"("layers")", R"("manifests")");
    expect_refused_for(body, media_type::oci_manifest, R"(document has "manifests")");
}

TEST(Manifest, RefusesIndexWithConfig) {
    expect_refused_for(
        replaced(oci_index, R"("manifests")",
                 R"("config": )" + descriptor(media_type::oci_config, 'c', 1) + R"(, "manifests")"),
        media_type::oci_index, R"(document has "config")");
}

TEST(Manifest, RefusesBodyOverFourMebibytes) {
    std::string body = docker_v2;
    body.insert(body.size() - 1, max_manifest_bytes + 1 - body.size(), ' ');
    ASSERT_EQ(body.size(), max_manifest_bytes + 1);
    EXPECT_EQ(refusal(body, media_type::docker_manifest).kind, ErrorKind::too_large);
}

TEST(Manifest, AcceptsBodyOfExactlyFourMebibytes) {
    std::string body = docker_v2;
    body.insert(body.size() - 1, max_manifest_bytes - body.size(), ' ');
    EXPECT_EQ(parsed(body, media_type::docker_manifest).layers.size(), 2u);
}

TEST(Manifest, RefusesNonJsonAndNonObjects) {
    EXPECT_EQ(refusal("not json", "").kind, ErrorKind::protocol);
    EXPECT_EQ(refusal("[]", "").kind, ErrorKind::protocol);
    EXPECT_EQ(refusal("", "").kind, ErrorKind::protocol);
    EXPECT_EQ(refusal(docker_v2.substr(0, docker_v2.size() - 2), "").kind, ErrorKind::protocol);
    EXPECT_EQ(refusal("{\"schemaVersion\": 2, \"x\": \"\xff\"}", "").kind, ErrorKind::protocol);
}

TEST(Manifest, RefusesUnknownMediaTypeAsUnsupported) {
    const auto body =
        replaced(docker_v2, media_type::docker_manifest, "application/vnd.example.thing+json");
    const auto error = refusal(body, "");
    EXPECT_EQ(error.kind, ErrorKind::unsupported);
    EXPECT_NE(error.message.find("application/vnd.example.thing+json"), std::string::npos);
}

TEST(Manifest, RefusesUnknownContentTypeWithUntypedBody) {
    const auto body =
        replaced(oci_image, R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", "");
    EXPECT_EQ(refusal(body, "text/html").kind, ErrorKind::unsupported);
}

TEST(Manifest, RefusesMissingOrUnknownSchemaVersion) {
    EXPECT_EQ(refusal(replaced(docker_v2, R"("schemaVersion": 2,)", ""), "").kind,
              ErrorKind::protocol);
    EXPECT_EQ(
        refusal(replaced(docker_v2, R"("schemaVersion": 2)", R"("schemaVersion": "2")"), "").kind,
        ErrorKind::protocol);
    EXPECT_EQ(
        refusal(replaced(docker_v2, R"("schemaVersion": 2)", R"("schemaVersion": 3)"), "").kind,
        ErrorKind::unsupported);
}

TEST(Manifest, RefusesSchemaVersionNotMatchingType) {
    expect_refused_for(replaced(docker_v2, R"("schemaVersion": 2)", R"("schemaVersion": 1)"), "",
                       "does not match");
    expect_refused_for(schema1_signed, media_type::docker_manifest, "does not match");
}

TEST(Manifest, RefusesInvalidLayerDigestNamingIt) {
    const auto body = replaced(docker_v2, digest_of('2'), "sha256:../../../etc/passwd");
    const auto error = refusal(body, "");
    EXPECT_EQ(error.kind, ErrorKind::protocol);
    EXPECT_NE(error.message.find("layers[1]"), std::string::npos);
    EXPECT_NE(error.message.find("sha256:../../../etc/passwd"), std::string::npos);
}

TEST(Manifest, RefusesInvalidConfigDigest) {
    expect_refused_for(replaced(docker_v2, digest_of('c'), "sha256:C0FFEE"), "",
                       R"(config has an invalid digest "sha256:C0FFEE")");
}

TEST(Manifest, RefusesInvalidIndexChildDigest) {
    expect_refused_for(replaced(oci_index, digest_of('a'), "md5:"), "",
                       "manifests[0] has an invalid digest");
}

TEST(Manifest, RefusesInvalidSchema1BlobSum) {
    expect_refused_for(replaced(schema1_signed, digest_of('1'), "sha256:1"), "",
                       "fsLayers[1] has an invalid blobSum");
}

TEST(Manifest, RefusesInvalidSubjectDigest) {
    expect_refused_for(replaced(oci_image, digest_of('9'), "nope"), "",
                       "subject has an invalid digest");
}

TEST(Manifest, RefusesNegativeSize) {
    const auto error = refusal(replaced(docker_v2, R"("size":200)", R"("size":-200)"), "");
    EXPECT_NE(error.message.find("layers[1] size"), std::string::npos);
}

TEST(Manifest, RefusesFractionalOrStringSize) {
    expect_refused_for(replaced(docker_v2, R"("size":200)", R"("size":200.5)"), "",
                       "layers[1] size");
    expect_refused_for(replaced(docker_v2, R"("size":200)", R"("size":"200")"), "",
                       "layers[1] size");
}

TEST(Manifest, RefusesMissingSize) {
    EXPECT_NE(
        refusal(replaced(docker_v2, R"(,"size":1469)", ""), "").message.find("config has no size"),
        std::string::npos);
}

TEST(Manifest, RefusesMissingDescriptorMediaType) {
    expect_refused_for(
        replaced(docker_v2, R"("mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",)",
                 ""),
        "", "layers[0] has no mediaType");
}

TEST(Manifest, RefusesImageWithoutConfigOrLayers) {
    const auto no_layers =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
        descriptor(media_type::oci_config, 'c', 2) + "}";
    EXPECT_NE(refusal(no_layers, "").message.find("layers"), std::string::npos);
    const auto no_config =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";
    EXPECT_NE(refusal(no_config, "").message.find("config"), std::string::npos);
}

TEST(Manifest, AcceptsArtifactWithEmptyConfigAndNoLayers) {
    const auto artifact =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example+json","config":)" +
        descriptor(media_type::oci_empty, '4', 2) + R"(,"layers":[]})";
    const auto manifest = parsed(artifact, media_type::oci_manifest);
    EXPECT_EQ(manifest.blobs().size(), 1u);
}

TEST(Manifest, RefusesIndexWithoutManifestsArray) {
    expect_refused_for(
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})", "",
        R"("manifests" must be an array)");
    expect_refused_for(
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":{}})",
        "", R"("manifests" must be an array)");
}

TEST(Manifest, RefusesIndexChildOfNonManifestType) {
    const auto body = replaced(
        docker_list, R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json")",
        R"("mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip")");
    EXPECT_EQ(refusal(body, "").kind, ErrorKind::unsupported);
}

TEST(Manifest, AcceptsIndexChildThatDeclaresAnArtifactType) {
    const auto child = descriptor("application/vnd.example.sbom", 'd', 12,
                                  R"(,"artifactType":"application/spdx+json")");
    const auto body = replaced(oci_index, R"("manifests": [)", R"("manifests": [)" + child + ",");
    const auto manifest = parsed(body, "");
    ASSERT_EQ(manifest.manifests.size(), 3u);
    EXPECT_EQ(manifest.manifests[0].artifact_type, "application/spdx+json");
}

TEST(Manifest, RefusesPlatformWithoutArchitecture) {
    expect_refused_for(replaced(docker_list, R"("architecture":"amd64")", R"("variant":"v7")"), "",
                       "manifests[0].platform needs os and architecture");
}

TEST(Manifest, RefusesRepeatedKeys) {
    const auto body = replaced(docker_v2, R"("layers")", R"("layers": [], "layers")");
    EXPECT_NE(refusal(body, "").message.find("repeated"), std::string::npos);
    expect_refused_for(replaced(docker_v2, R"("size":100)", R"("size":100,"size":1)"), "",
                       R"(key "size" repeated in layers[0])");
}

TEST(Manifest, RefusesNonStringMediaType) {
    expect_refused_for(
        replaced(docker_v2,
                 R"("mediaType": "application/vnd.docker.distribution.manifest.v2+json")",
                 R"("mediaType": 7)"),
        "", "mediaType is not a string");
}

TEST(Manifest, ForeignLayerUrlsAreKept) {
    const auto layer = descriptor(media_type::docker_foreign_layer, 'f', 5,
                                  R"(,"urls":["https://mcr.microsoft.com/l/f"])");
    const auto body = replaced(docker_v2, R"("layers": [)", R"("layers": [)" + layer + ",");
    const auto manifest = parsed(body, "");
    ASSERT_EQ(manifest.layers.size(), 3u);
    ASSERT_EQ(manifest.layers[0].urls.size(), 1u);
    EXPECT_EQ(manifest.layers[0].urls[0], "https://mcr.microsoft.com/l/f");
}

TEST(Manifest, RefusesNonStringUrls) {
    const auto layer = descriptor(media_type::docker_foreign_layer, 'f', 5, R"(,"urls":[1])");
    expect_refused_for(replaced(docker_v2, R"("layers": [)", R"("layers": [)" + layer + ","), "",
                       "layers[0].urls holds a non-string");
}

TEST(Manifest, RefusesSchema1WithoutFsLayers) {
    expect_refused_for(R"({"schemaVersion":1,"name":"a","tag":"b"})", media_type::docker_schema1,
                       R"("fsLayers" must be an array)");
}

TEST(Manifest, RefusesSchema1WithImageFields) {
    expect_refused_for(replaced(schema1_signed, R"("fsLayers")", R"("layers": [], "fsLayers")"), "",
                       R"(document has "layers")");
}

TEST(Manifest, PlatformToStringOmitsEmptyVariant) {
    EXPECT_EQ((Platform{"windows", "amd64", ""}).to_string(), "windows/amd64");
    EXPECT_EQ((Platform{"linux", "arm", "v7"}).to_string(), "linux/arm/v7");
}

}  // namespace
}  // namespace regmigrate::registry
