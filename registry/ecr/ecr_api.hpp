// The two Amazon ECR API actions a destination needs (Amazon ECR API reference, JSON 1.1
// protocol, SigV4-signed POSTs to https://api.ecr.REGION.amazonaws.com/):
// GetAuthorizationToken, whose token is the Basic login for ACCOUNT.dkr.ecr.REGION
// .amazonaws.com, and CreateRepository for destination repositories that do not exist.
// Request bodies, response parsing and decisions are pure functions; EcrApi sends them.
#pragma once

#include "registry/auth/credentials.hpp"
#include "registry/ecr/aws_credentials.hpp"
#include "transport/http/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::registry {

// ---- Hosts and endpoints ----

struct EcrHost {
    std::string account;  // 12 digits
    std::string region;
};

// ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn], with or without ":PORT".
std::optional<EcrHost> is_ecr_host(std::string_view host);

// An AWS region name as it may appear in a host name: [a-z0-9-]+ ("eu-west-1").
bool is_aws_region(std::string_view region);

// "https://api.ecr.REGION.amazonaws.com" (".com.cn" for the China regions). The region
// must pass is_aws_region: the URL is built from it.
boost::urls::url ecr_api_endpoint(std::string_view region);

// ECR refuses upload parts under 5 MiB except the last one.
inline constexpr std::uint64_t kEcrMinPartSize = 5ull * 1024 * 1024;

// The chunk size to use against ECR for a requested one: 0 (monolithic PUT) stays 0,
// anything else is raised to kEcrMinPartSize.
std::uint64_t ecr_chunk_size(std::uint64_t requested);

// ---- Pure request building and response parsing ----

inline constexpr std::string_view kEcrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";
inline constexpr std::string_view kEcrContentType = "application/x-amz-json-1.1";
inline constexpr std::string_view kEcrSigningService = "ecr";

struct EcrAuthorization {
    Credentials credentials;  // user "AWS" and the token's password
    std::chrono::system_clock::time_point expires_at;
    std::string proxy_endpoint;  // "https://ACCOUNT.dkr.ecr.REGION.amazonaws.com"
};

// authorizationData[0]: authorizationToken (base64 "AWS:password") and expiresAt (epoch
// seconds). Errors never quote the token.
Expected<EcrAuthorization> parse_authorization_token_response(std::string_view body);

// Settings for repositories we create; unset fields take ECR's defaults.
struct EcrRepositorySettings {
    std::optional<std::string> image_tag_mutability;  // "MUTABLE" | "IMMUTABLE"
    std::optional<bool> scan_on_push;
    std::optional<std::string> encryption_type;  // "AES256" | "KMS"
    std::optional<std::string> kms_key;          // with "KMS"
};

// Refuses values ECR would refuse, naming the setting (invalid_argument).
Expected<void> validate_repository_settings(const EcrRepositorySettings& settings);

std::string create_repository_body(std::string_view repository,
                                   const EcrRepositorySettings& settings);

enum class CreateRepositoryOutcome { created, already_existed };

// RepositoryAlreadyExistsException counts as success: creation is idempotent.
Expected<CreateRepositoryOutcome> create_repository_outcome(int status, std::string_view body,
                                                            std::string_view error_type_header);

// An ECR error answer ({"__type": "...#Name", "message": "..."} or X-Amzn-ErrorType) as an
// Error: bad or expired keys → unauthorized, AccessDenied → denied, throttling → 429-like
// retryable, anything else → http. Message: "ECR OPERATION: HTTP 400: Name: message".
Error ecr_error(int status, std::string_view body, std::string_view error_type_header,
                std::string_view operation);

// The exception name of an error answer ("" when neither body nor header names one).
std::string ecr_error_type(std::string_view body, std::string_view error_type_header);

// ---- The client ----

struct EcrApiOptions {
    boost::urls::url endpoint;  // ecr_api_endpoint(region), or --ecr-endpoint
    std::string region;         // signing region
    AwsCredentials credentials;
    std::function<std::chrono::system_clock::time_point()> clock = [] {
        return std::chrono::system_clock::now();
    };
};

// Not thread-safe, like the HttpClient it uses.
class EcrApi {
  public:
    EcrApi(std::shared_ptr<transport::HttpClient> http, EcrApiOptions options);

    boost::asio::awaitable<Expected<EcrAuthorization>> get_authorization_token();
    boost::asio::awaitable<Expected<CreateRepositoryOutcome>> create_repository(
        std::string_view repository, const EcrRepositorySettings& settings);

    const EcrApiOptions& options() const { return options_; }

  private:
    // Signs and POSTs one action; the whole answer, whatever its status.
    boost::asio::awaitable<Expected<transport::HttpResponse>> call(std::string_view action,
                                                                   std::string body);

    std::shared_ptr<transport::HttpClient> http_;
    EcrApiOptions options_;
};

}  // namespace regmigrate::registry
