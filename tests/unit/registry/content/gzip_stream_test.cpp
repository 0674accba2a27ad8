#include "registry/content/gzip_stream.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

std::string gzip(std::string_view data, std::size_t piece = 7000) {
    std::string out;
    GzipCompressor compressor([&](std::string_view bytes) { out.append(bytes); });
    for (std::size_t at = 0; at < data.size(); at += piece)
        compressor.write(data.substr(at, piece));
    compressor.finish();
    return out;
}

Expected<std::string> gunzip(std::string_view data, GzipLimits limits = {},
                             std::size_t piece = 512) {
    std::string out;
    GzipDecompressor decompressor([&](std::string_view bytes) { out.append(bytes); }, limits);
    for (std::size_t at = 0; at < data.size(); at += piece) {
        if (auto written = decompressor.write(data.substr(at, piece)); !written)
            return written.error();
    }
    if (auto finished = decompressor.finish(); !finished)
        return finished.error();
    return out;
}

std::string sample() {
    std::string text;
    for (int i = 0; i < 20000; ++i)
        text += "line " + std::to_string(i * 7919 % 1000) + "\n";
    return text;
}

TEST(GzipStream, RoundTripRestoresTheInput) {
    const std::string input = sample();
    auto back = gunzip(gzip(input));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, input);
}

TEST(GzipStream, CompressedOutputStartsWithTheGzipMagic) {
    EXPECT_TRUE(has_gzip_magic(gzip("tar bytes")));
    EXPECT_FALSE(has_gzip_magic("ustar"));
    EXPECT_FALSE(has_gzip_magic("\x1f"));
}

TEST(GzipStream, OutputDoesNotDependOnHowTheInputWasSplit) {
    const std::string input = sample();
    EXPECT_EQ(gzip(input, 1), gzip(input, 65536));
}

TEST(GzipStream, EmptyInputCompressesToAValidStream) {
    auto back = gunzip(gzip(""));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, "");
}

TEST(GzipStream, TruncatedStreamIsCorrupt) {
    const std::string compressed = gzip(sample());
    auto back = gunzip(compressed.substr(0, compressed.size() - 4));
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().kind, ErrorKind::protocol);
    EXPECT_NE(back.error().message.find("corrupt gzip"), std::string::npos) << back.error().message;
}

TEST(GzipStream, FlippedByteInTheBodyIsCorrupt) {
    std::string compressed = gzip(sample());
    compressed[compressed.size() / 2] ^= 0x55;
    auto back = gunzip(compressed);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().kind, ErrorKind::protocol);
}

TEST(GzipStream, BadHeaderIsCorrupt) {
    auto back = gunzip("\x1f\x8b not really gzip at all");
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().kind, ErrorKind::protocol);
}

TEST(GzipStream, OutputPastTheAbsoluteCapIsABomb) {
    auto back = gunzip(gzip(std::string(1 << 20, 'x')), GzipLimits{.max_output = 1000});
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().kind, ErrorKind::too_large);
    EXPECT_NE(back.error().message.find("gzip bomb"), std::string::npos) << back.error().message;
}

TEST(GzipStream, ExpansionPastTheRatioIsABomb) {
    const std::string zeros(8 << 20, '\0');
    auto back = gunzip(gzip(zeros), GzipLimits{.max_ratio = 100, .ratio_floor = 1 << 20}, 4096);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().kind, ErrorKind::too_large);
    EXPECT_NE(back.error().message.find("gzip bomb"), std::string::npos) << back.error().message;
}

TEST(GzipStream, HighRatioBelowTheFloorIsAccepted) {
    const std::string zeros(1024, '\0');  // an empty tar: ~30:1
    auto back = gunzip(gzip(zeros), GzipLimits{.max_ratio = 2, .ratio_floor = 4096});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, zeros);
}

TEST(GzipStream, DecompressorRefusesEverythingAfterAnError) {
    std::string out;
    GzipDecompressor decompressor([&](std::string_view bytes) { out.append(bytes); });
    EXPECT_FALSE(decompressor.write("\x1f\x8b garbage garbage garbage"));
    EXPECT_FALSE(decompressor.write(gzip("fine")));
    EXPECT_FALSE(decompressor.finish());
}

TEST(GzipStream, DecompressorCountsBytesInAndOut) {
    const std::string compressed = gzip(sample());
    std::string out;
    GzipDecompressor decompressor([&](std::string_view bytes) { out.append(bytes); });
    ASSERT_TRUE(decompressor.write(compressed));
    ASSERT_TRUE(decompressor.finish());
    EXPECT_EQ(decompressor.bytes_in(), compressed.size());
    EXPECT_EQ(decompressor.bytes_out(), sample().size());
}

}  // namespace
}  // namespace regmigrate::registry
