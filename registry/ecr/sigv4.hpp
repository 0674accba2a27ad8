// AWS Signature Version 4 (the "Signing AWS API requests" chapter of the AWS IAM user
// guide) as pure functions: canonical request, string to sign, signing key, signature, and
// the headers a signed request carries. No sockets and no clock: the caller passes `now`.
#pragma once

#include "registry/ecr/aws_credentials.hpp"

#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regmigrate::registry {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigV4Request {
    std::string_view method;  // "GET", "POST"
    // Path and query are signed as decoded text, each part URI-encoded once (the
    // non-S3 rule for an unencoded path such as "/ሴ"); dot segments are not normalised.
    boost::urls::url url;
    HeaderList headers;  // every header to sign; duplicates are joined with ','
    std::string_view payload;
};

struct SigV4Scope {
    std::string region;
    std::string service;  // "ecr" for the ECR API
};

// What a request must carry once signed: set all three (the token only when present).
struct SigV4Headers {
    std::string amz_date;        // X-Amz-Date: "20150830T123600Z"
    std::string security_token;  // X-Amz-Security-Token: empty for long-term keys
    std::string authorization;   // Authorization
};

// Signs request at now. Adds Host (from the URL, default port omitted) unless present,
// X-Amz-Date, and X-Amz-Security-Token when the credentials carry a session token to
// the signed headers.
SigV4Headers sign_v4(const SigV4Request& request, const AwsCredentials& credentials,
                     const SigV4Scope& scope, std::chrono::system_clock::time_point now);

// ---- The steps, exposed for tests and for servers that verify signatures ----

// "YYYYMMDDTHHMMSSZ" in UTC.
std::string amz_date(std::chrono::system_clock::time_point now);

// RFC 3986 percent-encoding of everything but unreserved characters, uppercase hex.
// keep_slash leaves '/' alone (paths).
std::string uri_encode(std::string_view text, bool keep_slash);

// Method, canonical URI, canonical query, canonical headers, signed headers and payload
// hash, joined with '\n'.
std::string canonical_request(const SigV4Request& request);
// "host;x-amz-date": lower-cased, sorted, deduplicated names of request.headers.
std::string signed_header_names(const HeaderList& headers);

// "20150830/us-east-1/service/aws4_request"
std::string credential_scope(std::string_view date, const SigV4Scope& scope);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
// Hex HMAC of string_to_sign under the key derived from secret, date and scope.
std::string sigv4_signature(std::string_view secret_access_key, std::string_view date,
                            const SigV4Scope& scope, std::string_view string_to_sign);

// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...` header.
struct SigV4Authorization {
    std::string access_key_id;
    std::string date;  // YYYYMMDD
    SigV4Scope scope;
    std::vector<std::string> signed_headers;
    std::string signature;
};
// nullopt when the header is not a well-formed SigV4 authorization.
std::optional<SigV4Authorization> parse_sigv4_authorization(std::string_view header);

}  // namespace regmigrate::registry
