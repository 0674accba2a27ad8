// A small, faithful fake of the Amazon ECR API, built from the public Amazon ECR API
// reference (JSON 1.1 protocol: POST / with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.ACTION) and the AWS Signature Version 4 chapter of
// the IAM user guide, since the real service cannot be reached from tests.
//
// Every request must be SigV4-signed by the one known key pair. The fake checks the
// structure itself (Authorization present and well-formed; host, x-amz-date, x-amz-target
// and content-type signed; credential scope date matching X-Amz-Date, within 15 minutes
// of now, scoped to its region and the "ecr" service; the access key known; the session
// token when one is configured) and recomputes the signature from the request as received
// with the key it knows, so a wrong secret is refused as AWS refuses it
// (InvalidSignatureException, HTTP 403).
//
// GetAuthorizationToken answers with base64("USER:PASSWORD") of a real docker-registry's
// htpasswd user; CreateRepository records each call and answers
// RepositoryAlreadyExistsException for a name it already holds.
#pragma once

#include "tests/support/scripted_http_server.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::testing {

struct EcrFakeOptions {
    std::string access_key_id = "AKIDEXAMPLE";
    std::string secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    std::string session_token;  // non-empty: requests must carry and sign this token
    std::string region = "us-east-1";
    // What GetAuthorizationToken hands out: the registry's htpasswd user.
    std::string registry_user = "AWS";
    std::string registry_password;
    std::string proxy_endpoint;  // "http://127.0.0.1:PORT" of that registry
    std::chrono::seconds token_lifetime{12 * 3600};
};

struct CreateRepositoryCall {
    std::string repository;
    std::optional<std::string> image_tag_mutability;
    std::optional<bool> scan_on_push;
    std::optional<std::string> encryption_type;
};

struct EcrFakeState {
    std::vector<CreateRepositoryCall> create_calls;
    std::set<std::string> repositories;
    std::size_t tokens_issued = 0;
    std::vector<std::string> refusals;  // "__type: message" of every refused request
};

// Checks and answers one request, without sockets.
ScriptedReply answer_ecr_request(const EcrFakeOptions& options, EcrFakeState& state,
                                 const ScriptedRequest& request,
                                 std::chrono::system_clock::time_point now);

class EcrFake {
  public:
    explicit EcrFake(EcrFakeOptions options);

    std::string endpoint() const;  // "http://127.0.0.1:PORT/"
    EcrFakeState state() const;    // a copy, taken under the lock

  private:
    EcrFakeOptions options_;
    mutable std::mutex mutex_;
    EcrFakeState state_;
    ScriptedHttpServer server_;
};

}  // namespace regmigrate::testing
