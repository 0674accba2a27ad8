#include "registry/auth/credentials.hpp"
#include "transport/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regmigrate::registry {
namespace {

Credentials parsed(std::string_view text) {
    auto result = parse_credentials(text, "--src-creds");
    EXPECT_TRUE(result) << (result ? "" : result.error().message);
    return result ? *result : Credentials{};
}

TEST(Credentials, SplitsUserAndPasswordAtTheColon) {
    const auto credentials = parsed("alice:s3cret");
    EXPECT_EQ(credentials.username, "alice");
    EXPECT_EQ(credentials.password, "s3cret");
}

TEST(Credentials, PasswordMayContainColons) {
    const auto credentials = parsed("alice:pa:ss:word");
    EXPECT_EQ(credentials.username, "alice");
    EXPECT_EQ(credentials.password, "pa:ss:word");
}

TEST(Credentials, EmptyPasswordIsAccepted) {
    const auto credentials = parsed("alice:");
    EXPECT_EQ(credentials.username, "alice");
    EXPECT_EQ(credentials.password, "");
}

TEST(Credentials, EmptyUserIsAnInvalidArgumentNamingTheOrigin) {
    const auto result = parse_credentials(":hunter2", "--dest-creds");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(result.error().message.find("--dest-creds"), std::string::npos)
        << result.error().message;
}

TEST(Credentials, EmptyUserErrorNeverEchoesTheSecret) {
    const auto result = parse_credentials(":hunter2", "--dest-creds");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message.find("hunter2"), std::string::npos) << result.error().message;
}

TEST(Credentials, MissingColonIsRefusedWithoutEchoingTheValue) {
    const auto result = parse_credentials("tokenwithoutuser", "REGISTRY_CREDS");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(result.error().message.find("tokenwithoutuser"), std::string::npos)
        << result.error().message;
}

TEST(Credentials, EmptyTextIsRefused) {
    EXPECT_FALSE(parse_credentials("", "--src-creds"));
}

TEST(Credentials, EmptyMeansNeitherUserNorPassword) {
    EXPECT_TRUE(Credentials{}.empty());
    EXPECT_FALSE((Credentials{"alice", ""}.empty()));
    EXPECT_FALSE((Credentials{"", "token"}.empty()));
}

TEST(Credentials, BasicAuthorizationMatchesTheRfc7617Example) {
    EXPECT_EQ((Credentials{"Aladdin", "open sesame"}.basic_authorization()),
              "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(Credentials, BasicAuthorizationKeepsColonsInThePassword) {
    EXPECT_EQ((Credentials{"a", "b:c"}.basic_authorization()), "Basic " + base64_encode("a:b:c"));
    EXPECT_EQ(base64_encode("a:b:c"), "YTpiOmM=");
}

TEST(Base64, EncodesTheRfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, LongInputIsOneLineWithoutBreaks) {
    const std::string encoded = base64_encode(std::string(300, 'x'));
    EXPECT_EQ(encoded.size(), 400u);
    EXPECT_EQ(encoded.find_first_of("\r\n"), std::string::npos);
}

TEST(Base64, EncodesBytesOutsideAscii) {
    EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

// ---- --src-creds-file / --dest-creds-file contents ----

TEST(CredentialsFile, TrailingNewlineIsNotPartOfThePassword) {
    const auto parsed = parse_credentials_file("alice:s3cret\n", "--src-creds-file f");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, (Credentials{"alice", "s3cret", ""}));
}

TEST(CredentialsFile, WindowsLineEndingIsDroppedToo) {
    const auto parsed = parse_credentials_file("alice:s3cret\r\n", "f");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->password, "s3cret");
}

TEST(CredentialsFile, WithoutNewlineIsTakenAsIs) {
    const auto parsed = parse_credentials_file("alice:pa:ss", "f");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, (Credentials{"alice", "pa:ss", ""}));
}

TEST(CredentialsFile, SecondLineIsRefusedWithoutQuotingTheContents) {
    const auto parsed =
        parse_credentials_file("alice:s3cret-77\nbob:other\n", "--dest-creds-file f");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(parsed.error().message.find("--dest-creds-file f"), std::string::npos);
    EXPECT_EQ(parsed.error().message.find("s3cret-77"), std::string::npos);
}

TEST(CredentialsFile, EmptyFileIsAnErrorNamingIt) {
    const auto parsed = parse_credentials_file("\n", "--src-creds-file /run/secrets/src");
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("/run/secrets/src"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::registry
