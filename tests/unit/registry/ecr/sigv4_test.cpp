// SigV4 against vectors of the AWS Signature Version 4 test suite (aws-sig-v4-test-suite,
// published with the AWS general reference): credentials AKIDEXAMPLE, 2015-08-30 12:36:00
// UTC, region us-east-1, service "service".
#include "registry/ecr/sigv4.hpp"

#include <gtest/gtest.h>
#include <boost/url/url.hpp>

namespace regmigrate::registry {
namespace {

const AwsCredentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                       ""};
const SigV4Scope kSuiteScope{"us-east-1", "service"};
// 2015-08-30T12:36:00Z
const auto kSuiteTime = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
const std::string kAuthorizationPrefix =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

boost::urls::url suite_url() {
    return boost::urls::url("https://example.amazonaws.com/");
}

std::string authorization(std::string_view method, boost::urls::url_view url,
                          HeaderList headers = {}, std::string_view payload = "",
                          const AwsCredentials& credentials = kSuiteCredentials) {
    const SigV4Request request{method, url, std::move(headers), payload};
    return sign_v4(request, credentials, kSuiteScope, kSuiteTime).authorization;
}

std::string expected(std::string_view signed_headers, std::string_view signature) {
    return kAuthorizationPrefix + "SignedHeaders=" + std::string(signed_headers) +
           ", Signature=" + std::string(signature);
}

TEST(SigV4Suite, GetVanilla) {
    EXPECT_EQ(authorization("GET", suite_url()),
              expected("host;x-amz-date",
                       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

TEST(SigV4Suite, PostVanilla) {
    EXPECT_EQ(authorization("POST", suite_url()),
              expected("host;x-amz-date",
                       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
    auto url = suite_url();
    url.params().append({"Param2", "value2"});
    url.params().append({"Param1", "value1"});
    EXPECT_EQ(authorization("GET", url),
              expected("host;x-amz-date",
                       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST(SigV4Suite, GetVanillaQueryUnreserved) {
    constexpr std::string_view kUnreserved =
        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    auto url = suite_url();
    url.params().append({kUnreserved, kUnreserved});
    EXPECT_EQ(authorization("GET", url),
              expected("host;x-amz-date",
                       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"));
}

TEST(SigV4Suite, GetVanillaUtf8Query) {
    auto url = suite_url();
    url.params().append({"\xe1\x88\xb4", "bar"});
    EXPECT_EQ(authorization("GET", url),
              expected("host;x-amz-date",
                       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"));
}

TEST(SigV4Suite, PostVanillaQueryNonunreserved) {
    auto url = suite_url();
    url.params().append({"@#$%^", ""});
    url.params().append({"+", "/,?><`\";:\\|][{}"});
    EXPECT_EQ(authorization("POST", url),
              expected("host;x-amz-date",
                       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"));
}

TEST(SigV4Suite, GetUtf8Path) {
    auto url = suite_url();
    url.set_path("/\xe1\x88\xb4");
    EXPECT_EQ(authorization("GET", url),
              expected("host;x-amz-date",
                       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"));
}

TEST(SigV4Suite, GetUnreservedPath) {
    auto url = suite_url();
    url.set_path("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    EXPECT_EQ(authorization("GET", url),
              expected("host;x-amz-date",
                       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"));
}

TEST(SigV4Suite, GetHeaderValueTrim) {
    EXPECT_EQ(authorization("GET", suite_url(),
                            {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}),
              expected("host;my-header1;my-header2;x-amz-date",
                       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"));
}

TEST(SigV4Suite, GetHeaderKeyDuplicate) {
    EXPECT_EQ(authorization(
                  "GET", suite_url(),
                  {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
              expected("host;my-header1;x-amz-date",
                       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"));
}

TEST(SigV4Suite, PostHeaderKeySort) {
    EXPECT_EQ(authorization("POST", suite_url(), {{"My-Header1", "value1"}}),
              expected("host;my-header1;x-amz-date",
                       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"));
}

TEST(SigV4Suite, PostHeaderValueCaseIsKept) {
    EXPECT_EQ(authorization("POST", suite_url(), {{"My-Header1", "VALUE1"}}),
              expected("host;my-header1;x-amz-date",
                       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"));
}

TEST(SigV4Suite, PostXWwwFormUrlencoded) {
    EXPECT_EQ(
        authorization("POST", suite_url(), {{"Content-Type", "application/x-www-form-urlencoded"}},
                      "Param1=value1"),
        expected("content-type;host;x-amz-date",
                 "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

TEST(SigV4Suite, PostStsHeaderBeforeSignsTheSessionToken) {
    AwsCredentials with_token = kSuiteCredentials;
    with_token.session_token =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfp"
        "SPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQ"
        "DYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
        "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    const SigV4Request request{"POST", suite_url(), {}, ""};
    const auto signed_headers = sign_v4(request, with_token, kSuiteScope, kSuiteTime);
    EXPECT_EQ(signed_headers.security_token, with_token.session_token);
    EXPECT_EQ(signed_headers.authorization,
              expected("host;x-amz-date;x-amz-security-token",
                       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));
}

TEST(SigV4, CanonicalRequestOfGetVanilla) {
    const SigV4Request request{
        "GET",
        suite_url(),
        {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
        ""};
    EXPECT_EQ(canonical_request(request),
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
              "host;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4, StringToSignOfQueryOrderKeyCase) {
    auto url = suite_url();
    url.params().append({"Param2", "value2"});
    url.params().append({"Param1", "value1"});
    const SigV4Request request{
        "GET", url, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
    EXPECT_EQ(string_to_sign("20150830T123600Z", credential_scope("20150830", kSuiteScope),
                             canonical_request(request)),
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
              "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
}

TEST(SigV4, AmzDateIsUtcBasicFormat) {
    EXPECT_EQ(amz_date(kSuiteTime), "20150830T123600Z");
}

TEST(SigV4, HostHeaderKeepsANonDefaultPortAndDropsTheDefaultOne) {
    const SigV4Request on_port{"POST", boost::urls::url_view("http://127.0.0.1:8123/"), {}, ""};
    const SigV4Request explicit_default{
        "POST", boost::urls::url_view("https://example.amazonaws.com:443/"), {}, ""};
    const SigV4Request with_host{"POST", suite_url(), {{"Host", "127.0.0.1:8123"}}, ""};
    EXPECT_EQ(sign_v4(on_port, kSuiteCredentials, kSuiteScope, kSuiteTime).authorization,
              sign_v4(with_host, kSuiteCredentials, kSuiteScope, kSuiteTime).authorization);
    EXPECT_EQ(sign_v4(explicit_default, kSuiteCredentials, kSuiteScope, kSuiteTime).authorization,
              authorization("POST", suite_url()));
}

TEST(SigV4, UriEncodeKeepsOnlyUnreservedCharacters) {
    EXPECT_EQ(uri_encode("a b/c+d~", false), "a%20b%2Fc%2Bd~");
    EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
}

TEST(SigV4, ADifferentSecretGivesADifferentSignature) {
    AwsCredentials other = kSuiteCredentials;
    other.secret_access_key = "not-the-secret";
    EXPECT_NE(authorization("GET", suite_url(), {}, "", other), authorization("GET", suite_url()));
}

TEST(SigV4Authorization, ParsesWhatSignV4Produces) {
    const auto parsed = parse_sigv4_authorization(
        authorization("POST", suite_url(), {{"Content-Type", "application/x-amz-json-1.1"}}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(parsed->date, "20150830");
    EXPECT_EQ(parsed->scope.region, "us-east-1");
    EXPECT_EQ(parsed->scope.service, "service");
    EXPECT_EQ(parsed->signed_headers,
              (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
    EXPECT_EQ(parsed->signature.size(), 64u);
}

TEST(SigV4Authorization, RefusesOtherSchemesAndMissingParts) {
    EXPECT_FALSE(parse_sigv4_authorization("Basic dXNlcjpwYXNz"));
    EXPECT_FALSE(parse_sigv4_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, Signature=ab"));
    EXPECT_FALSE(parse_sigv4_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, "
        "Signature=ab"));
}

}  // namespace
}  // namespace regmigrate::registry
