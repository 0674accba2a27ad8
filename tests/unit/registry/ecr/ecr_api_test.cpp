#include "registry/ecr/ecr_api.hpp"

#include "transport/base64.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace regmigrate::registry {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr const char* kPassword = "eyJwYXlsb2FkIjoi-ecr-password";

std::string token_answer(std::string_view user_colon_password, std::string_view expires_at) {
    return R"({"authorizationData":[{"authorizationToken":")" + base64_encode(user_colon_password) +
           R"(","expiresAt":)" + std::string(expires_at) +
           R"(,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]})";
}

boost::json::value json(const std::string& text) {
    return boost::json::parse(text);
}

// ---- hosts ----

TEST(EcrHost, RecognisesAPrivateRegistryHost) {
    const auto host = is_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->account, "123456789012");
    EXPECT_EQ(host->region, "eu-west-1");
}

TEST(EcrHost, RecognisesFipsChinaAndAnExplicitPort) {
    EXPECT_EQ(is_ecr_host("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com")->region,
              "us-east-1");
    EXPECT_EQ(is_ecr_host("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")->region,
              "cn-north-1");
    EXPECT_EQ(is_ecr_host("123456789012.dkr.ecr.us-west-2.amazonaws.com:443")->account,
              "123456789012");
}

TEST(EcrHost, RefusesOtherHosts) {
    EXPECT_FALSE(is_ecr_host("registry.example.com"));
    EXPECT_FALSE(is_ecr_host("12345.dkr.ecr.us-east-1.amazonaws.com"));
    EXPECT_FALSE(is_ecr_host("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example"));
    EXPECT_FALSE(is_ecr_host("public.ecr.aws"));
    EXPECT_FALSE(is_ecr_host("123456789012.dkr.ecr.us-east-1.amazonaws.com:https"));
}

TEST(EcrEndpoint, ApiEndpointForTheRegion) {
    EXPECT_EQ(ecr_api_endpoint("eu-west-1").buffer(), "https://api.ecr.eu-west-1.amazonaws.com/");
    EXPECT_EQ(ecr_api_endpoint("cn-north-1").buffer(),
              "https://api.ecr.cn-north-1.amazonaws.com.cn/");
}

TEST(EcrChunkSize, MonolithicStaysMonolithic) {
    EXPECT_EQ(ecr_chunk_size(0), 0u);
}

TEST(EcrChunkSize, SmallChunksAreRaisedToFiveMebibytes) {
    EXPECT_EQ(ecr_chunk_size(1024 * 1024), 5u * 1024 * 1024);
    EXPECT_EQ(ecr_chunk_size(16u * 1024 * 1024), 16u * 1024 * 1024);
}

// ---- GetAuthorizationToken ----

TEST(EcrAuthorizationToken, DecodesTheBasicCredentialsAndExpiry) {
    const auto parsed =
        parse_authorization_token_response(token_answer(std::string("AWS:") + kPassword, "1.7E9"));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->credentials.username, "AWS");
    EXPECT_EQ(parsed->credentials.password, kPassword);
    EXPECT_EQ(parsed->expires_at, system_clock::time_point(seconds(1'700'000'000)));
    EXPECT_EQ(parsed->proxy_endpoint, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
}

TEST(EcrAuthorizationToken, PasswordMayContainColons) {
    const auto parsed = parse_authorization_token_response(token_answer("AWS:a:b", "1700000000"));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->credentials.password, "a:b");
}

TEST(EcrAuthorizationToken, MissingDataIsAProtocolError) {
    for (const char* body : {"{}", R"({"authorizationData":[]})", "not json",
                             R"({"authorizationData":[{"expiresAt":1}]})"}) {
        const auto parsed = parse_authorization_token_response(body);
        ASSERT_FALSE(parsed) << body;
        EXPECT_EQ(parsed.error().kind, ErrorKind::protocol) << body;
    }
}

TEST(EcrAuthorizationToken, TokenWithoutAColonIsRefusedWithoutQuotingIt) {
    const auto parsed = parse_authorization_token_response(token_answer(kPassword, "1"));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().message.find(kPassword), std::string::npos);
    EXPECT_EQ(parsed.error().message.find(base64_encode(kPassword)), std::string::npos);
}

TEST(EcrAuthorizationToken, MissingExpiryIsRefused) {
    const std::string body =
        R"({"authorizationData":[{"authorizationToken":")" + base64_encode("AWS:x") + R"("}]})";
    EXPECT_FALSE(parse_authorization_token_response(body));
}

// ---- CreateRepository ----

TEST(EcrCreateRepository, BodyNamesOnlyTheRepositoryByDefault) {
    EXPECT_EQ(json(create_repository_body("team/app", {})),
              json(R"({"repositoryName":"team/app"})"));
}

TEST(EcrCreateRepository, BodyCarriesEverySetting) {
    EcrRepositorySettings settings;
    settings.image_tag_mutability = "IMMUTABLE";
    settings.scan_on_push = true;
    settings.encryption_type = "KMS";
    settings.kms_key = "arn:aws:kms:eu-west-1:123456789012:key/abc";
    EXPECT_EQ(json(create_repository_body("team/app", settings)),
              json(R"({"repositoryName":"team/app","imageTagMutability":"IMMUTABLE",
                       "imageScanningConfiguration":{"scanOnPush":true},
                       "encryptionConfiguration":{"encryptionType":"KMS",
                         "kmsKey":"arn:aws:kms:eu-west-1:123456789012:key/abc"}})"));
}

TEST(EcrCreateRepository, SettingsEcrWouldRefuseAreRefusedFirst) {
    EcrRepositorySettings bad_mutability;
    bad_mutability.image_tag_mutability = "mutable";
    EcrRepositorySettings bad_encryption;
    bad_encryption.encryption_type = "ROT13";
    EcrRepositorySettings key_without_kms;
    key_without_kms.kms_key = "arn";
    for (const auto& settings : {bad_mutability, bad_encryption, key_without_kms}) {
        const auto valid = validate_repository_settings(settings);
        ASSERT_FALSE(valid);
        EXPECT_EQ(valid.error().kind, ErrorKind::invalid_argument);
    }
    EXPECT_TRUE(validate_repository_settings({}));
}

TEST(EcrCreateRepository, OkMeansCreated) {
    EXPECT_EQ(create_repository_outcome(200, R"({"repository":{}})", "").value(),
              CreateRepositoryOutcome::created);
}

TEST(EcrCreateRepository, AlreadyExistsIsSuccess) {
    EXPECT_EQ(create_repository_outcome(
                  400, R"({"__type":"RepositoryAlreadyExistsException","message":"exists"})", "")
                  .value(),
              CreateRepositoryOutcome::already_existed);
    EXPECT_EQ(create_repository_outcome(
                  400, R"({"__type":"com.amazonaws.ecr#RepositoryAlreadyExistsException"})", "")
                  .value(),
              CreateRepositoryOutcome::already_existed);
    EXPECT_EQ(
        create_repository_outcome(400, "", "RepositoryAlreadyExistsException:http://x/").value(),
        CreateRepositoryOutcome::already_existed);
}

TEST(EcrCreateRepository, OtherFailuresAreErrors) {
    const auto outcome = create_repository_outcome(
        400, R"({"__type":"InvalidParameterException","message":"bad name"})", "");
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().kind, ErrorKind::http);
    EXPECT_NE(outcome.error().message.find("InvalidParameterException"), std::string::npos);
    EXPECT_NE(outcome.error().message.find("bad name"), std::string::npos);
}

// ---- errors ----

TEST(EcrError, BadKeysAreUnauthorized) {
    const auto error = ecr_error(
        403, R"({"__type":"InvalidSignatureException","message":"signature does not match"})", "",
        "GetAuthorizationToken");
    EXPECT_EQ(error.kind, ErrorKind::unauthorized);
    EXPECT_EQ(error.http_status, 403);
    EXPECT_NE(error.message.find("ECR GetAuthorizationToken"), std::string::npos);
    EXPECT_NE(error.message.find("InvalidSignatureException"), std::string::npos);
}

TEST(EcrError, AccessDeniedIsDenied) {
    EXPECT_EQ(ecr_error(400, R"({"__type":"AccessDeniedException"})", "", "x").kind,
              ErrorKind::denied);
}

TEST(EcrError, ThrottlingIsRetryable) {
    EXPECT_TRUE(ecr_error(400, R"({"__type":"ThrottlingException"})", "", "x").retryable());
    EXPECT_FALSE(ecr_error(400, R"({"__type":"InvalidParameterException"})", "", "x").retryable());
}

TEST(EcrError, TypeFromTheHeaderWhenTheBodyHasNone) {
    EXPECT_EQ(ecr_error_type("<html>", "UnrecognizedClientException:http://internal/"),
              "UnrecognizedClientException");
}

}  // namespace
}  // namespace regmigrate::registry
