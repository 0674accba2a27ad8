#include "registry/ecr/ecr_api.hpp"

#include "registry/distribution/registry_error.hpp"
#include "registry/ecr/sigv4.hpp"
#include "transport/base64.hpp"

#include <simdjson.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t kMaxAnswer = 1024 * 1024;

std::vector<std::string_view> split_labels(std::string_view host) {
    std::vector<std::string_view> labels;
    for (;;) {
        const auto dot = host.find('.');
        labels.push_back(host.substr(0, dot));
        if (dot == std::string_view::npos) {
            return labels;
        }
        host.remove_prefix(dot + 1);
    }
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_region_name(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

Error bad_token_answer(const std::string& why) {
    return make_error(ErrorKind::protocol, "ECR GetAuthorizationToken answer: " + why);
}

// A string member, "" when absent or of another type.
std::string_view string_member(simdjson::dom::object object, std::string_view key) {
    std::string_view value;
    if (object[key].get_string().get(value) != simdjson::SUCCESS) {
        return {};
    }
    return value;
}

bool is_one_of(const std::optional<std::string>& value,
               std::initializer_list<std::string_view> allowed) {
    return !value || std::find(allowed.begin(), allowed.end(), *value) != allowed.end();
}

}  // namespace

std::optional<EcrHost> is_ecr_host(std::string_view host) {
    const auto colon = host.rfind(':');
    if (colon != std::string_view::npos) {
        if (!all_digits(host.substr(colon + 1))) {
            return std::nullopt;
        }
        host = host.substr(0, colon);
    }
    auto labels = split_labels(host);
    if (labels.size() == 7 && labels[6] == "cn") {
        labels.pop_back();
    }
    if (labels.size() != 6 || labels[0].size() != 12 || !all_digits(labels[0]) ||
        labels[1] != "dkr" || (labels[2] != "ecr" && labels[2] != "ecr-fips") ||
        !is_region_name(labels[3]) || labels[4] != "amazonaws" || labels[5] != "com") {
        return std::nullopt;
    }
    return EcrHost{std::string(labels[0]), std::string(labels[3])};
}

bool is_aws_region(std::string_view region) {
    return is_region_name(region);
}

boost::urls::url ecr_api_endpoint(std::string_view region) {
    const bool china = region.substr(0, 3) == "cn-";
    return boost::urls::url("https://api.ecr." + std::string(region) + ".amazonaws.com" +
                            (china ? ".cn" : "") + "/");
}

std::uint64_t ecr_chunk_size(std::uint64_t requested) {
    return requested == 0 ? 0 : std::max(requested, kEcrMinPartSize);
}

Expected<EcrAuthorization> parse_authorization_token_response(std::string_view body) {
    if (body.size() > kMaxAnswer) {
        return make_error(ErrorKind::too_large, "ECR GetAuthorizationToken answer over 1 MiB");
    }
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body);
    simdjson::dom::object data;
    if (parser.parse(padded)["authorizationData"].at(0).get_object().get(data) !=
        simdjson::SUCCESS) {
        return bad_token_answer("no authorizationData entry");
    }
    const std::string_view token = string_member(data, "authorizationToken");
    double expires_at = 0;
    if (token.empty()) {
        return bad_token_answer("no authorizationToken");
    }
    if (data["expiresAt"].get_double().get(expires_at) != simdjson::SUCCESS ||
        !std::isfinite(expires_at) || expires_at < 0) {
        return bad_token_answer("expiresAt is not a time");
    }
    const auto decoded = base64_decode(token);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos || colon == 0) {
        return bad_token_answer("authorizationToken is not base64 of USER:PASSWORD");
    }
    EcrAuthorization authorization;
    authorization.credentials = {decoded->substr(0, colon), decoded->substr(colon + 1)};
    authorization.expires_at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(expires_at)));
    authorization.proxy_endpoint = std::string(string_member(data, "proxyEndpoint"));
    return authorization;
}

Expected<void> validate_repository_settings(const EcrRepositorySettings& settings) {
    if (!is_one_of(settings.image_tag_mutability, {"MUTABLE", "IMMUTABLE"})) {
        return make_error(ErrorKind::invalid_argument,
                          "ECR image tag mutability must be MUTABLE or IMMUTABLE");
    }
    if (!is_one_of(settings.encryption_type, {"AES256", "KMS"})) {
        return make_error(ErrorKind::invalid_argument, "ECR encryption type must be AES256 or KMS");
    }
    if (settings.kms_key && settings.encryption_type != "KMS") {
        return make_error(ErrorKind::invalid_argument, "an ECR KMS key needs encryption type KMS");
    }
    return {};
}

std::string create_repository_body(std::string_view repository,
                                   const EcrRepositorySettings& settings) {
    boost::json::object body{{"repositoryName", repository}};
    if (settings.image_tag_mutability) {
        body["imageTagMutability"] = *settings.image_tag_mutability;
    }
    if (settings.scan_on_push) {
        body["imageScanningConfiguration"] =
            boost::json::object{{"scanOnPush", *settings.scan_on_push}};
    }
    if (settings.encryption_type) {
        boost::json::object encryption{{"encryptionType", *settings.encryption_type}};
        if (settings.kms_key) {
            encryption["kmsKey"] = *settings.kms_key;
        }
        body["encryptionConfiguration"] = std::move(encryption);
    }
    return boost::json::serialize(body);
}

std::string ecr_error_type(std::string_view body, std::string_view error_type_header) {
    std::string_view type;
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body.substr(0, kMaxAnswer));
    simdjson::dom::object object;
    if (parser.parse(padded).get_object().get(object) == simdjson::SUCCESS) {
        type = string_member(object, "__type");
    }
    if (type.empty()) {
        // X-Amzn-ErrorType: "Name:http://internal.amazon.com/..."
        type = error_type_header.substr(0, error_type_header.find(':'));
    }
    // "com.amazonaws.ecr#RepositoryAlreadyExistsException" → the name after '#'.
    const auto hash = type.rfind('#');
    return std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
}

Error ecr_error(int status, std::string_view body, std::string_view error_type_header,
                std::string_view operation) {
    const std::string type = ecr_error_type(body, error_type_header);
    std::string message;
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body.substr(0, kMaxAnswer));
    simdjson::dom::object object;
    if (parser.parse(padded).get_object().get(object) == simdjson::SUCCESS) {
        message = std::string(string_member(object, "message"));
        if (message.empty()) {
            message = std::string(string_member(object, "Message"));
        }
    }
    static constexpr std::array<std::string_view, 6> kBadKeys{"UnrecognizedClientException",
                                                              "InvalidSignatureException",
                                                              "ExpiredTokenException",
                                                              "InvalidClientTokenId",
                                                              "MissingAuthenticationTokenException",
                                                              "IncompleteSignatureException"};
    ErrorKind kind = ErrorKind::http;
    int reported_status = status;
    if (std::find(kBadKeys.begin(), kBadKeys.end(), type) != kBadKeys.end() || status == 401) {
        kind = ErrorKind::unauthorized;
    } else if (type == "AccessDeniedException" || status == 403) {
        kind = ErrorKind::denied;
    } else if (type == "RepositoryNotFoundException") {
        kind = ErrorKind::not_found;
    } else if (type == "ThrottlingException") {
        // AWS throttles with a 400; reported as 429 so retry policies treat it as one.
        reported_status = 429;
    }
    std::string text = "ECR " + std::string(operation) + ": HTTP " + std::to_string(status);
    if (!type.empty()) {
        text += ": " + type;
    }
    if (!message.empty()) {
        text += ": " + quote_for_message(message);
    }
    return make_error(kind, std::move(text), reported_status);
}

Expected<CreateRepositoryOutcome> create_repository_outcome(int status, std::string_view body,
                                                            std::string_view error_type_header) {
    if (status == 200) {
        return CreateRepositoryOutcome::created;
    }
    if (ecr_error_type(body, error_type_header) == "RepositoryAlreadyExistsException") {
        return CreateRepositoryOutcome::already_existed;
    }
    return ecr_error(status, body, error_type_header, "CreateRepository");
}

EcrApi::EcrApi(std::shared_ptr<transport::HttpClient> http, EcrApiOptions options)
    : http_(std::move(http)), options_(std::move(options)) {
    if (options_.endpoint.path().empty()) {
        options_.endpoint.set_path("/");
    }
}

asio::awaitable<Expected<transport::HttpResponse>> EcrApi::call(std::string_view action,
                                                                std::string body) {
    const std::string target = std::string(kEcrTargetPrefix) + std::string(action);
    const SigV4Request to_sign{
        "POST",
        options_.endpoint,
        {{"Content-Type", std::string(kEcrContentType)}, {"X-Amz-Target", target}},
        body};
    const SigV4Headers signature =
        sign_v4(to_sign, options_.credentials,
                SigV4Scope{options_.region, std::string(kEcrSigningService)}, options_.clock());
    transport::HttpRequest request;
    request.method = http::verb::post;
    request.url = options_.endpoint;
    request.headers.set(http::field::content_type, kEcrContentType);
    request.headers.set("X-Amz-Target", target);
    request.headers.set("X-Amz-Date", signature.amz_date);
    if (!signature.security_token.empty()) {
        request.headers.set("X-Amz-Security-Token", signature.security_token);
    }
    request.headers.set(http::field::authorization, signature.authorization);
    request.body = std::move(body);
    request.follow_redirects = false;
    auto response = co_await http_->fetch(std::move(request), kMaxAnswer);
    if (!response) {
        co_return with_context(response.error(), "ECR " + std::string(action) + " at " +
                                                     std::string(options_.endpoint.buffer()));
    }
    co_return response;
}

asio::awaitable<Expected<EcrAuthorization>> EcrApi::get_authorization_token() {
    auto response = co_await call("GetAuthorizationToken", "{}");
    if (!response) {
        co_return response.error();
    }
    if (response->status != 200) {
        co_return ecr_error(response->status, response->body,
                            transport::header_value(response->headers, "X-Amzn-ErrorType"),
                            "GetAuthorizationToken");
    }
    co_return parse_authorization_token_response(response->body);
}

asio::awaitable<Expected<CreateRepositoryOutcome>> EcrApi::create_repository(
    std::string_view repository, const EcrRepositorySettings& settings) {
    if (auto valid = validate_repository_settings(settings); !valid) {
        co_return valid.error();
    }
    auto response = co_await call("CreateRepository", create_repository_body(repository, settings));
    if (!response) {
        co_return response.error();
    }
    auto outcome =
        create_repository_outcome(response->status, response->body,
                                  transport::header_value(response->headers, "X-Amzn-ErrorType"));
    if (!outcome) {
        co_return with_context(outcome.error(), "repository " + std::string(repository));
    }
    co_return outcome;
}

}  // namespace regmigrate::registry
