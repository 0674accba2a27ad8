#include "registry/v1/v1_layer_transcoder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

const std::string id(64, 'a');

std::string some_tar() {
    std::string tar(512, '\0');
    tar.replace(0, 9, "greeting");
    tar += std::string(512, 'h') + std::string(1024, '\0');
    return tar;
}

std::string gzip(std::string_view data) {
    std::string out;
    GzipCompressor compressor([&](std::string_view bytes) { out.append(bytes); });
    compressor.write(data);
    compressor.finish();
    return out;
}

struct Transcoded {
    Expected<V1LayerDigests> digests;
    std::string blob;
};

Transcoded transcode(std::string_view body, std::size_t piece = 100, GzipLimits limits = {}) {
    std::string blob;
    V1LayerTranscoder transcoder(id, limits, [&](std::string_view bytes) { blob.append(bytes); });
    for (std::size_t at = 0; at < body.size(); at += piece) {
        if (auto written = transcoder.write(body.substr(at, piece)); !written)
            return {written.error(), blob};
    }
    return {transcoder.finish(), blob};
}

TEST(V1LayerTranscoder, PlainTarIsCompressedAndHashedBothWays) {
    const auto out = transcode(some_tar());
    ASSERT_TRUE(out.digests) << out.digests.error().message;
    EXPECT_TRUE(has_gzip_magic(out.blob));
    EXPECT_EQ(out.digests->digest, sha256_digest(out.blob));
    EXPECT_EQ(out.digests->size, out.blob.size());
    EXPECT_EQ(out.digests->diff_id, sha256_digest(some_tar()));
    EXPECT_FALSE(out.digests->empty);
}

TEST(V1LayerTranscoder, GzipLayerPassesUnchangedWithTheTarHashedAsDiffId) {
    const std::string body = gzip(some_tar());
    const auto out = transcode(body);
    ASSERT_TRUE(out.digests) << out.digests.error().message;
    EXPECT_EQ(out.blob, body);
    EXPECT_EQ(out.digests->digest, sha256_digest(body));
    EXPECT_EQ(out.digests->diff_id, sha256_digest(some_tar()));
}

TEST(V1LayerTranscoder, FormatIsDetectedWhenTheMagicArrivesOneByteAtATime) {
    const std::string body = gzip(some_tar());
    const auto out = transcode(body, 1);
    ASSERT_TRUE(out.digests) << out.digests.error().message;
    EXPECT_EQ(out.blob, body);
}

TEST(V1LayerTranscoder, PlainTarGivesTheSameBlobWhateverTheReadSizes) {
    EXPECT_EQ(transcode(some_tar(), 1).blob, transcode(some_tar(), 4096).blob);
}

TEST(V1LayerTranscoder, EmptyBodyIsAnEmptyLayer) {
    const auto out = transcode("");
    ASSERT_TRUE(out.digests) << out.digests.error().message;
    EXPECT_TRUE(out.digests->empty);
}

TEST(V1LayerTranscoder, EndOfArchiveOnlyIsAnEmptyLayerPlainOrGzip) {
    const std::string empty_tar(1024, '\0');
    const auto plain = transcode(empty_tar);
    const auto gzipped = transcode(gzip(empty_tar));
    ASSERT_TRUE(plain.digests && gzipped.digests);
    EXPECT_TRUE(plain.digests->empty);
    EXPECT_TRUE(gzipped.digests->empty);
    EXPECT_EQ(plain.digests->diff_id, gzipped.digests->diff_id);
}

TEST(V1LayerTranscoder, SingleByteBodyIsAPlainLayer) {
    const auto out = transcode("x");
    ASSERT_TRUE(out.digests) << out.digests.error().message;
    EXPECT_EQ(out.digests->diff_id, sha256_digest("x"));
    EXPECT_FALSE(out.digests->empty);
}

TEST(V1LayerTranscoder, CorruptGzipNamesTheLayer) {
    std::string body = gzip(some_tar());
    body.resize(body.size() - 5);
    const auto out = transcode(body);
    ASSERT_FALSE(out.digests);
    EXPECT_NE(out.digests.error().message.find("layer " + id + ": corrupt gzip"), std::string::npos)
        << out.digests.error().message;
}

TEST(V1LayerTranscoder, GzipBombNamesTheLayer) {
    const auto out = transcode(gzip(std::string(4 << 20, '\0')), 4096,
                               GzipLimits{.max_ratio = 100, .ratio_floor = 1 << 20});
    ASSERT_FALSE(out.digests);
    EXPECT_EQ(out.digests.error().kind, ErrorKind::too_large);
    EXPECT_NE(out.digests.error().message.find("layer " + id + ": gzip bomb"), std::string::npos)
        << out.digests.error().message;
}

TEST(V1LayerTranscoder, WithoutABlobSinkOnlyDigestsAreComputed) {
    V1LayerTranscoder transcoder(id, {});
    ASSERT_TRUE(transcoder.write(some_tar()));
    auto digests = transcoder.finish();
    ASSERT_TRUE(digests) << digests.error().message;
    EXPECT_EQ(digests->digest, transcode(some_tar()).digests->digest);
}

}  // namespace
}  // namespace regmigrate::registry
