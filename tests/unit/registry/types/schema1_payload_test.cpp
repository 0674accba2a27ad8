#include "registry/types/schema1_payload.hpp"

#include "registry/content/sha256.hpp"
#include "registry/types/media_types.hpp"
#include "tests/support/schema1_signer.hpp"
#include "transport/base64.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

using testing::make_schema1_image;
using testing::pretty_jws;
using testing::protected_header;
using testing::protected_header_for;
using testing::Schema1Signer;
using testing::Schema1TestImage;

Schema1TestImage sample(const Schema1Signer& signer) {
    return make_schema1_image("library/app", "v1",
                              {{"base files\n", "ADD base.tar /"},
                               {"", "ENV A=1", true},
                               {"app files\n", "COPY app /app"}},
                              signer);
}

// The protected header the signer writes for payload, with formatLength replaced.
std::string header_with_length(std::string_view payload, const std::string& length) {
    const auto tail = base64url_encode(payload.substr(payload.find_last_of('}') - 1));
    return protected_header(R"({"formatLength":)" + length + R"(,"formatTail":")" + tail +
                            R"(","time":"2015-11-02T10:00:00Z"})");
}

TEST(Schema1Payload, SignedManifestGivesBackTheUnsignedBytes) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    ASSERT_NE(image.bytes, image.payload);
    auto payload = schema1_payload(image.bytes);
    ASSERT_TRUE(payload) << payload.error().message;
    EXPECT_EQ(*payload, image.payload);
}

TEST(Schema1Payload, DigestIsThePayloadsNotTheServedBytes) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    auto digest = manifest_digest(image.bytes, media_type::docker_schema1_signed);
    ASSERT_TRUE(digest) << digest.error().message;
    EXPECT_EQ(*digest, sha256_digest(image.payload));
    EXPECT_NE(*digest, sha256_digest(image.bytes));
}

TEST(Schema1Payload, DigestDoesNotDependOnTheSigner) {
    const Schema1Signer first;
    const Schema1Signer second;
    const auto one = sample(first);
    const auto other = testing::sign_schema1(one.payload, second);
    ASSERT_NE(one.bytes, other);
    EXPECT_EQ(manifest_digest(one.bytes, media_type::docker_schema1_signed).value(),
              manifest_digest(other, media_type::docker_schema1_signed).value());
}

TEST(Schema1Payload, SeveralAgreeingSignaturesAreAccepted) {
    const Schema1Signer first;
    const Schema1Signer second;
    const auto image = sample(first);
    const auto bytes = pretty_jws(
        image.payload, {first.signature(image.payload), second.signature(image.payload)});
    auto payload = schema1_payload(bytes);
    ASSERT_TRUE(payload) << payload.error().message;
    EXPECT_EQ(*payload, image.payload);
}

TEST(Schema1Payload, SignaturesDisagreeingOnThePayloadAreRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    // The second signature claims a payload one byte shorter.
    const auto length = std::to_string(image.payload.find_last_of('}') - 2);
    const auto bytes =
        pretty_jws(image.payload,
                   {signer.signature(image.payload),
                    signer.signature(image.payload, header_with_length(image.payload, length))});
    auto payload = schema1_payload(bytes);
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("signatures[1] signs another payload"),
              std::string::npos)
        << payload.error().message;
}

TEST(Schema1Payload, ManifestWithoutSignaturesIsRefused) {
    const Schema1Signer signer;
    auto payload = schema1_payload(sample(signer).payload);
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("no signatures"), std::string::npos);
}

TEST(Schema1Payload, EmptySignatureListIsRefused) {
    const Schema1Signer signer;
    auto payload = schema1_payload(pretty_jws(sample(signer).payload, {}));
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("no signatures"), std::string::npos);
}

TEST(Schema1Payload, ProtectedHeaderThatIsNotBase64urlIsRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    const auto bytes = pretty_jws(image.payload, {signer.signature(image.payload, "***")});
    auto payload = schema1_payload(bytes);
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("not base64url"), std::string::npos)
        << payload.error().message;
}

TEST(Schema1Payload, ProtectedHeaderThatIsNotJsonIsRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    const auto bytes = pretty_jws(
        image.payload, {signer.signature(image.payload, protected_header("formatLength"))});
    ASSERT_FALSE(schema1_payload(bytes));
}

TEST(Schema1Payload, FormatLengthBeyondTheDocumentIsRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    const auto bytes = pretty_jws(
        image.payload,
        {signer.signature(image.payload, header_with_length(image.payload, "99999999"))});
    auto payload = schema1_payload(bytes);
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("formatLength out of range"), std::string::npos)
        << payload.error().message;
}

TEST(Schema1Payload, NegativeOrFractionalFormatLengthIsRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    for (const std::string length : {"-1", "10.5", "\"10\""}) {
        const auto bytes = pretty_jws(
            image.payload,
            {signer.signature(image.payload, header_with_length(image.payload, length))});
        EXPECT_FALSE(schema1_payload(bytes)) << length;
    }
}

TEST(Schema1Payload, FormatTailThatIsNotBase64urlIsRefused) {
    const Schema1Signer signer;
    const auto image = sample(signer);
    const auto header = protected_header(R"({"formatLength":10,"formatTail":"!!","time":""})");
    const auto bytes = pretty_jws(image.payload, {signer.signature(image.payload, header)});
    auto payload = schema1_payload(bytes);
    ASSERT_FALSE(payload);
    EXPECT_NE(payload.error().message.find("formatTail is not base64url"), std::string::npos);
}

TEST(Schema1Payload, OtherMediaTypesHashTheirBytes) {
    const std::string bytes = R"({"schemaVersion":2})";
    EXPECT_EQ(manifest_digest(bytes, media_type::docker_manifest).value(), sha256_digest(bytes));
    EXPECT_EQ(manifest_digest(bytes, media_type::docker_schema1).value(), sha256_digest(bytes));
}

TEST(Schema1Payload, SignerHeaderDescribesTheClosingBrace) {
    // Sanity of the fixture: formatLength/formatTail split "...]\n}" before "\n}".
    const auto header = base64url_decode(protected_header_for("{\n   \"a\": 1\n}"));
    ASSERT_TRUE(header);
    EXPECT_NE(header->find(R"("formatLength":11)"), std::string::npos) << *header;
    EXPECT_NE(header->find(R"("formatTail":"Cn0")"), std::string::npos) << *header;
}

}  // namespace
}  // namespace regmigrate::registry
