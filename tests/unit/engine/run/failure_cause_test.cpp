#include "engine/run/failure_cause.hpp"

#include "registry/distribution/registry_error.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

TEST(FailureCause, RefusedConnectionIsConnectionRefused) {
    EXPECT_EQ(classify_failure(make_error(ErrorKind::network,
                                          "connecting to 127.0.0.1:5000: Connection refused")),
              FailureCause::connection_refused);
}

TEST(FailureCause, UnresolvableHostIsDns) {
    EXPECT_EQ(
        classify_failure(make_error(
            ErrorKind::network, "resolving nosuch.invalid:443: Host not found (authoritative)")),
        FailureCause::dns);
}

TEST(FailureCause, ConnectionThatCannotBeMadeIsUnreachable) {
    EXPECT_EQ(classify_failure(
                  make_error(ErrorKind::network, "connecting to 10.0.0.1:443: No route to host")),
              FailureCause::unreachable);
}

TEST(FailureCause, ConnectionLostMidAnswerIsAboutThatRequest) {
    EXPECT_EQ(classify_failure(make_error(ErrorKind::network,
                                          "reading response from 127.0.0.1:5000: end of stream")),
              FailureCause::other);
}

TEST(FailureCause, TimeoutIsTimeout) {
    EXPECT_EQ(classify_failure(make_error(ErrorKind::timeout, "connecting to h:1: timed out")),
              FailureCause::timeout);
}

TEST(FailureCause, CertificateVerificationFailureIsUntrusted) {
    EXPECT_EQ(classify_failure(make_error(
                  ErrorKind::tls,
                  "TLS handshake with 127.0.0.1:5000: TLS error: certificate verify failed (SSL "
                  "routines); verify result: unable to get local issuer certificate")),
              FailureCause::tls_untrusted);
}

TEST(FailureCause, OtherHandshakeFailuresAreTls) {
    EXPECT_EQ(classify_failure(make_error(
                  ErrorKind::tls, "TLS handshake with h:1: TLS error: wrong version number")),
              FailureCause::tls);
}

TEST(FailureCause, UnauthorizedAnswerIsCredentialsRefused) {
    const auto error = registry::error_from_response(
        401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
        "h /v2/");
    EXPECT_EQ(classify_failure(error), FailureCause::credentials_refused);
}

TEST(FailureCause, DeniedAnswerIsAccessDenied) {
    EXPECT_EQ(classify_failure(registry::error_from_response(403, "", "x")),
              FailureCause::access_denied);
    // A token without the scope asked for: the registry's 401 insufficient_scope.
    EXPECT_EQ(classify_failure(make_error(ErrorKind::denied, "h: access denied", 401)),
              FailureCause::access_denied);
}

TEST(FailureCause, AnswersAboutOneImageAreOther) {
    EXPECT_EQ(classify_failure(registry::error_from_response(404, "", "x")), FailureCause::other);
    EXPECT_EQ(classify_failure(registry::error_from_response(500, "", "x")), FailureCause::other);
    EXPECT_EQ(classify_failure(make_error(ErrorKind::digest_mismatch, "x")), FailureCause::other);
}

TEST(FailureCause, EndpointWideCausesExcludeTimeoutsAndOther) {
    EXPECT_TRUE(is_endpoint_wide(FailureCause::connection_refused));
    EXPECT_TRUE(is_endpoint_wide(FailureCause::dns));
    EXPECT_TRUE(is_endpoint_wide(FailureCause::tls_untrusted));
    EXPECT_TRUE(is_endpoint_wide(FailureCause::credentials_refused));
    EXPECT_TRUE(is_endpoint_wide(FailureCause::access_denied));
    EXPECT_FALSE(is_endpoint_wide(FailureCause::timeout));
    EXPECT_FALSE(is_endpoint_wide(FailureCause::other));
}

TEST(FailureCause, VerifyResultIsReadFromTheMessage) {
    EXPECT_EQ(tls_verify_result("TLS error: certificate verify failed (SSL routines); verify "
                                "result: self-signed certificate in certificate chain"),
              "self-signed certificate in certificate chain");
    EXPECT_EQ(tls_verify_result("TLS error: wrong version number"), "");
}

TEST(FailingRegistry, NamesTheRegistryWhosePortMatches) {
    EXPECT_EQ(failing_registry("connecting to 127.0.0.1:5001: Connection refused", "127.0.0.1:5000",
                               "127.0.0.1:5001"),
              "127.0.0.1:5001");
    EXPECT_EQ(failing_registry("127.0.0.1:5000 /v2/: HTTP 401", "127.0.0.1:5000", "127.0.0.1:5001"),
              "127.0.0.1:5000");
}

TEST(FailingRegistry, PortIsNotAPrefixOfALongerPort) {
    EXPECT_FALSE(failing_registry("connecting to 127.0.0.1:50001: Connection refused",
                                  "127.0.0.1:5000", "other.example")
                     .has_value());
}

TEST(FailingRegistry, HostWithoutPortMatchesAnyPortButNotALongerName) {
    EXPECT_EQ(failing_registry("connecting to registry.example:443: Connection refused",
                               "src.example", "registry.example"),
              "registry.example");
    EXPECT_FALSE(failing_registry("connecting to myregistry.example:443: refused", "src.example",
                                  "registry.example")
                     .has_value());
}

TEST(FailingRegistry, MessageNamingNeitherIsUnattributed) {
    EXPECT_FALSE(failing_registry("digest mismatch", "a.example", "b.example").has_value());
}

TEST(FailingRegistry, MessageNamingBothIsAboutTheInnermostContext) {
    EXPECT_EQ(failing_registry("copying a.example/team/app:v1: pushing blob: connecting to "
                               "b.example:443: Connection refused",
                               "a.example", "b.example"),
              "b.example");
    EXPECT_EQ(failing_registry("into b.example/x: reading a.example/x: HTTP 401", "a.example",
                               "b.example"),
              "a.example");
}

TEST(FailingRegistry, LongerSpellingOfTheSameHostWins) {
    EXPECT_EQ(
        failing_registry("connecting to r.example:5000: refused", "r.example", "r.example:5000"),
        "r.example:5000");
}

TEST(FailingRegistry, SameRegistryOnBothSidesIsThatRegistry) {
    EXPECT_EQ(failing_registry("r.example /v2/: HTTP 401", "r.example", "r.example"), "r.example");
}

}  // namespace
}  // namespace regmigrate::engine
