#include "registry/distribution/registry_error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

TEST(RegistryError, DescribesOneError) {
    EXPECT_EQ(
        describe_registry_errors(
            R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]})"),
        "MANIFEST_UNKNOWN: manifest unknown");
}

TEST(RegistryError, JoinsSeveralErrors) {
    EXPECT_EQ(
        describe_registry_errors(
            R"({"errors":[{"code":"NAME_INVALID","message":"invalid name"},{"code":"TAG_INVALID","message":"bad tag"}]})"),
        "NAME_INVALID: invalid name; TAG_INVALID: bad tag");
}

TEST(RegistryError, CodeWithoutMessage) {
    EXPECT_EQ(describe_registry_errors(R"({"errors":[{"code":"DENIED"}]})"), "DENIED");
}

TEST(RegistryError, SkipsEntriesWithoutCode) {
    EXPECT_EQ(describe_registry_errors(
                  R"({"errors":[{"message":"orphan"},{"code":"UNSUPPORTED","message":"no"}]})"),
              "UNSUPPORTED: no");
}

TEST(RegistryError, UndecodableBodiesDescribeAsEmpty) {
    EXPECT_EQ(describe_registry_errors(""), "");
    EXPECT_EQ(describe_registry_errors("<html><body>502 Bad Gateway</body></html>"), "");
    EXPECT_EQ(describe_registry_errors(R"({"errors":"nope"})"), "");
    EXPECT_EQ(describe_registry_errors(R"({"message":"not distribution"})"), "");
    EXPECT_EQ(describe_registry_errors(R"([{"code":"X"}])"), "");
    EXPECT_EQ(describe_registry_errors(R"({"errors":[]})"), "");
}

TEST(RegistryError, DescriptionIsCappedAt300Characters) {
    std::string body = R"({"errors":[)";
    for (int i = 0; i < 100; ++i) {
        body +=
            std::string(i ? "," : "") + R"({"code":"DENIED","message":"requested access denied"})";
    }
    body += "]}";
    const auto description = describe_registry_errors(body);
    EXPECT_LE(description.size(), max_error_description);
    EXPECT_EQ(description.substr(description.size() - 3), "...");
}

TEST(RegistryError, CapDoesNotSplitUtf8Sequences) {
    // "X: " + 291 bytes puts an 'é' (2 bytes) across the 297-byte cut.
    std::string message(291, 'x');
    for (int i = 0; i < 10; ++i) {
        message += "\xc3\xa9";
    }
    const std::string body = R"({"errors":[{"code":"X","message":")" + message + "\"}]}";
    const auto description = describe_registry_errors(body);
    ASSERT_EQ(description.size(), 296u + 3u);
    const auto before_dots = static_cast<unsigned char>(description[description.size() - 4]);
    EXPECT_NE(before_dots, 0xc3);
}

TEST(RegistryError, ControlCharactersAreNeutralised) {
    const auto description = describe_registry_errors(
        R"({"errors":[{"code":"X","message":"line\nforged log\u001b[31m"}]})");
    EXPECT_EQ(description.find('\n'), std::string::npos);
    EXPECT_EQ(description.find('\x1b'), std::string::npos);
}

TEST(RegistryError, HugeBodyIsNotRead) {
    const std::string body =
        R"({"errors":[{"code":"X","message":")" + std::string(1 << 20, 'a') + "\"}]}";
    EXPECT_EQ(describe_registry_errors(body), "");
}

TEST(RegistryError, ResponseErrorCarriesContextStatusAndDescription) {
    const auto error = error_from_response(
        404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})",
        "fetching manifest a/b:latest");
    EXPECT_EQ(error.kind, ErrorKind::not_found);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.message,
              "fetching manifest a/b:latest: HTTP 404: MANIFEST_UNKNOWN: manifest unknown");
}

TEST(RegistryError, ResponseKindFollowsStatus) {
    EXPECT_EQ(error_from_response(401, "", "x").kind, ErrorKind::unauthorized);
    EXPECT_EQ(error_from_response(403, "", "x").kind, ErrorKind::denied);
    EXPECT_EQ(error_from_response(404, "", "x").kind, ErrorKind::not_found);
    EXPECT_EQ(error_from_response(413, "", "x").kind, ErrorKind::too_large);
    EXPECT_EQ(error_from_response(500, "", "x").kind, ErrorKind::http);
    EXPECT_EQ(error_from_response(400, "", "x").kind, ErrorKind::http);
}

TEST(RegistryError, RetryableStatusesStayRetryable) {
    EXPECT_TRUE(error_from_response(503, "", "x").retryable());
    EXPECT_TRUE(error_from_response(429, "", "x").retryable());
    EXPECT_FALSE(error_from_response(404, "", "x").retryable());
}

TEST(RegistryError, UndecodableBodyIsNotEchoed) {
    const auto error =
        error_from_response(502, "<html>" + std::string(5000, 'x') + "</html>", "pushing blob");
    EXPECT_EQ(error.message, "pushing blob: HTTP 502");
}

TEST(RegistryError, EmptyContextHasNoLeadingSeparator) {
    EXPECT_EQ(error_from_response(500, "", "").message, "HTTP 500");
}

TEST(RegistryError, QuoteForMessageCapsAndSanitises) {
    EXPECT_EQ(quote_for_message("abc"), "\"abc\"");
    EXPECT_EQ(quote_for_message("abcdef", 3), "\"abc...\"");
    EXPECT_EQ(quote_for_message("a\nb"), "\"a b\"");
}

}  // namespace
}  // namespace regmigrate::registry
