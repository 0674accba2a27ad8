#include "registry/distribution/upload_range.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

void expect_refused(std::string_view header) {
    auto result = parse_upload_range(header);
    ASSERT_FALSE(result) << header << " was accepted";
    EXPECT_EQ(result.error().kind, ErrorKind::protocol);
}

TEST(UploadRange, NextOffsetFollowsTheInclusiveEnd) {
    EXPECT_EQ(parse_upload_range("0-1234").value(), 1235u);
}

TEST(UploadRange, AcceptsBytesPrefix) {
    EXPECT_EQ(parse_upload_range("bytes=0-1234").value(), 1235u);
}

TEST(UploadRange, ZeroZeroMeansNothingAccepted) {
    // distribution answers "0-0" for an empty session: resume from byte 0.
    EXPECT_EQ(parse_upload_range("0-0").value(), 0u);
    EXPECT_EQ(parse_upload_range("bytes=0-0").value(), 0u);
}

TEST(UploadRange, OneByteRangeEndsAtTwo) {
    EXPECT_EQ(parse_upload_range("0-1").value(), 2u);
}

TEST(UploadRange, SurroundingSpacesAreIgnored) {
    EXPECT_EQ(parse_upload_range("  0-99 ").value(), 100u);
}

TEST(UploadRange, LargestRepresentableEnd) {
    EXPECT_EQ(parse_upload_range("0-18446744073709551614").value(), 18446744073709551615u);
}

TEST(UploadRange, RefusesEndThatWouldOverflow) {
    expect_refused("0-18446744073709551615");
    expect_refused("0-99999999999999999999999");
}

TEST(UploadRange, RefusesNonZeroStart) {
    expect_refused("5-10");
}

TEST(UploadRange, RefusesMalformedValues) {
    expect_refused("");
    expect_refused("0");
    expect_refused("0-");
    expect_refused("-5");
    expect_refused("0--5");
    expect_refused("0-+5");
    expect_refused("0-5x");
    expect_refused("a-b");
    expect_refused("bytes 0-5");
    expect_refused("0 - 5");
}

TEST(UploadRange, ContentRangeIsBeginDashEnd) {
    EXPECT_EQ(content_range(0, 1048575), "0-1048575");
    EXPECT_EQ(content_range(1048576, 2097151), "1048576-2097151");
}

TEST(UploadRange, ChunkSizeHonoursRegistryMinimum) {
    EXPECT_EQ(choose_chunk_size(8 << 20, std::nullopt), 8u << 20);
    EXPECT_EQ(choose_chunk_size(8 << 20, 5u << 20), 8u << 20);
    EXPECT_EQ(choose_chunk_size(1 << 20, 5u << 20), 5u << 20);
}

TEST(ByteCount, DecimalDigitsAreACount) {
    EXPECT_EQ(parse_byte_count("0"), 0u);
    EXPECT_EQ(parse_byte_count("5242880"), 5242880u);
    EXPECT_EQ(parse_byte_count("18446744073709551615"), 18446744073709551615u);
}

TEST(ByteCount, NegativeNumberIsRefusedNotWrapped) {
    // std::stoull("-1") is 18446744073709551615.
    EXPECT_EQ(parse_byte_count("-1"), std::nullopt);
}

TEST(ByteCount, PastSixtyFourBitsIsRefused) {
    EXPECT_EQ(parse_byte_count("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_byte_count("99999999999999999999999"), std::nullopt);
}

TEST(ByteCount, SignsBlanksAndOtherNotationsAreRefused) {
    for (const char* text : {"", "+5", " 5", "5 ", "5e3", "0x10", "1.5", "five"}) {
        EXPECT_EQ(parse_byte_count(text), std::nullopt) << '"' << text << '"';
    }
}

TEST(UploadRange, EndPastSixtyFourBitsIsRefused) {
    expect_refused("0-18446744073709551616");
}

}  // namespace
}  // namespace regmigrate::registry
