#include "tests/support/ecr_fake.hpp"

#include "registry/ecr/sigv4.hpp"
#include "transport/base64.hpp"

#include <simdjson.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <ctime>

namespace regmigrate::testing {

namespace http = boost::beast::http;
using registry::SigV4Authorization;

namespace {

constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";
constexpr auto kMaxSkew = std::chrono::minutes(15);

ScriptedReply refuse(EcrFakeState& state, int status, const std::string& type,
                     const std::string& message) {
    state.refusals.push_back(type + ": " + message);
    ScriptedReply reply;
    reply.status = status;
    reply.headers = {{"Content-Type", std::string(kContentType)}, {"X-Amzn-ErrorType", type}};
    reply.body =
        boost::json::serialize(boost::json::object{{"__type", type}, {"message", message}});
    return reply;
}

ScriptedReply json_reply(const boost::json::object& body) {
    ScriptedReply reply;
    reply.headers = {{"Content-Type", std::string(kContentType)}};
    reply.body = boost::json::serialize(body);
    return reply;
}

// "20150830T123600Z" → a time, or nullopt.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
    std::tm parts{};
    if (text.size() != 16 || strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &parts) == nullptr) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

// Every value of each signed header, in arrival order, as the signer saw them.
registry::HeaderList signed_header_values(const ScriptedRequest& request,
                                          const std::vector<std::string>& names) {
    registry::HeaderList headers;
    for (const auto& name : names) {
        const auto [begin, end] = request.headers.equal_range(name);
        for (auto it = begin; it != end; ++it) {
            headers.emplace_back(name, std::string(it->value()));
        }
    }
    return headers;
}

// An error reply when the signature does not hold, nullopt when it does.
std::optional<ScriptedReply> check_signature(const EcrFakeOptions& options, EcrFakeState& state,
                                             const ScriptedRequest& request,
                                             std::chrono::system_clock::time_point now) {
    const std::string header = request.header("Authorization");
    if (header.empty()) {
        return refuse(state, 403, "MissingAuthenticationTokenException",
                      "Missing Authentication Token");
    }
    const auto authorization = registry::parse_sigv4_authorization(header);
    if (!authorization) {
        return refuse(state, 403, "IncompleteSignatureException",
                      "Authorization header is not AWS4-HMAC-SHA256 with Credential, "
                      "SignedHeaders and Signature");
    }
    std::vector<std::string> required = {"content-type", "host", "x-amz-date", "x-amz-target"};
    if (!options.session_token.empty()) {
        required.push_back("x-amz-security-token");
    }
    for (const auto& name : required) {
        const auto& signed_names = authorization->signed_headers;
        if (std::find(signed_names.begin(), signed_names.end(), name) == signed_names.end()) {
            return refuse(state, 403, "IncompleteSignatureException",
                          "'" + name + "' must be a signed header");
        }
    }
    const std::string amz_date = request.header("X-Amz-Date");
    const auto signed_at = parse_amz_date(amz_date);
    if (!signed_at || amz_date.substr(0, 8) != authorization->date) {
        return refuse(state, 403, "IncompleteSignatureException",
                      "X-Amz-Date is missing or differs from the credential scope date");
    }
    if (*signed_at < now - kMaxSkew || *signed_at > now + kMaxSkew) {
        return refuse(state, 403, "InvalidSignatureException", "Signature expired");
    }
    if (authorization->scope.region != options.region || authorization->scope.service != "ecr") {
        return refuse(
            state, 403, "InvalidSignatureException",
            "Credential should be scoped to region '" + options.region + "' and service 'ecr'");
    }
    if (authorization->access_key_id != options.access_key_id ||
        request.header("X-Amz-Security-Token") != options.session_token) {
        return refuse(state, 400, "UnrecognizedClientException",
                      "The security token included in the request is invalid.");
    }
    const registry::SigV4Request received{
        boost::beast::http::to_string(request.method),
        boost::urls::url("http://" + request.header("Host") + request.target),
        signed_header_values(request, authorization->signed_headers), request.body};
    const std::string to_sign = registry::string_to_sign(
        amz_date, registry::credential_scope(authorization->date, authorization->scope),
        registry::canonical_request(received));
    if (registry::sigv4_signature(options.secret_access_key, authorization->date,
                                  authorization->scope, to_sign) != authorization->signature) {
        return refuse(state, 403, "InvalidSignatureException",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method.");
    }
    return std::nullopt;
}

ScriptedReply authorization_token(const EcrFakeOptions& options, EcrFakeState& state,
                                  std::chrono::system_clock::time_point now) {
    ++state.tokens_issued;
    const auto expires = std::chrono::duration_cast<std::chrono::seconds>(
        (now + options.token_lifetime).time_since_epoch());
    const boost::json::object data{
        {"authorizationToken",
         base64_encode(options.registry_user + ":" + options.registry_password)},
        {"expiresAt", static_cast<double>(expires.count())},
        {"proxyEndpoint", options.proxy_endpoint}};
    return json_reply(boost::json::object{{"authorizationData", boost::json::array{data}}});
}

ScriptedReply create_repository(EcrFakeState& state, const std::string& body) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(body);
    simdjson::dom::object request;
    std::string_view name;
    if (parser.parse(padded).get_object().get(request) != simdjson::SUCCESS ||
        request["repositoryName"].get_string().get(name) != simdjson::SUCCESS || name.empty()) {
        return refuse(state, 400, "InvalidParameterException", "repositoryName is required");
    }
    CreateRepositoryCall call{std::string(name), {}, {}, {}};
    std::string_view text;
    if (request["imageTagMutability"].get_string().get(text) == simdjson::SUCCESS) {
        call.image_tag_mutability = std::string(text);
    }
    bool scan = false;
    if (request["imageScanningConfiguration"]["scanOnPush"].get_bool().get(scan) ==
        simdjson::SUCCESS) {
        call.scan_on_push = scan;
    }
    if (request["encryptionConfiguration"]["encryptionType"].get_string().get(text) ==
        simdjson::SUCCESS) {
        call.encryption_type = std::string(text);
    }
    state.create_calls.push_back(call);
    if (!state.repositories.insert(call.repository).second) {
        return refuse(
            state, 400, "RepositoryAlreadyExistsException",
            "The repository with name '" + call.repository + "' already exists in the registry");
    }
    return json_reply(boost::json::object{
        {"repository", boost::json::object{{"repositoryName", call.repository},
                                           {"imageTagMutability",
                                            call.image_tag_mutability.value_or("MUTABLE")}}}});
}

}  // namespace

ScriptedReply answer_ecr_request(const EcrFakeOptions& options, EcrFakeState& state,
                                 const ScriptedRequest& request,
                                 std::chrono::system_clock::time_point now) {
    if (request.method != http::verb::post || request.target != "/") {
        return refuse(state, 404, "UnknownOperationException", "POST / only");
    }
    if (request.header("Content-Type") != kContentType) {
        return refuse(state, 400, "SerializationException",
                      "Content-Type must be " + std::string(kContentType));
    }
    if (auto refused = check_signature(options, state, request, now)) {
        return *refused;
    }
    const std::string target = request.header("X-Amz-Target");
    if (target == std::string(kTargetPrefix) + "GetAuthorizationToken") {
        return authorization_token(options, state, now);
    }
    if (target == std::string(kTargetPrefix) + "CreateRepository") {
        return create_repository(state, request.body);
    }
    return refuse(state, 400, "UnknownOperationException", "unknown X-Amz-Target");
}

EcrFake::EcrFake(EcrFakeOptions options)
    : options_(std::move(options)), server_(answer_each([this](const ScriptedRequest& request) {
          std::lock_guard lock(mutex_);
          return answer_ecr_request(options_, state_, request, std::chrono::system_clock::now());
      })) {}

std::string EcrFake::endpoint() const {
    return server_.url("/");
}

EcrFakeState EcrFake::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

}  // namespace regmigrate::testing
