// A one-shot HTTP(S) request for fixtures and tests: readiness probes, auth challenges,
// token fetches. One connection per call, every wait bounded. Independent of the
// product's transport so fixtures never depend on the code under test.
#pragma once

#include "transport/error.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace regmigrate::testing {

struct FetchRequest {
    std::string method = "GET";
    std::string url;  // http://... or https://...
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // TLS: verify against this CA file; without one the peer is not verified.
    std::optional<std::filesystem::path> ca_file;
    std::optional<std::filesystem::path> client_cert;
    std::optional<std::filesystem::path> client_key;
    std::chrono::milliseconds timeout{5000};
};

struct FetchResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased; last value wins
    std::string body;

    std::string header(const std::string& lower_name) const;
};

Expected<FetchResponse> fetch(const FetchRequest& request);

// "Basic base64(user:password)".
std::string basic_authorization(const std::string& user, const std::string& password);

}  // namespace regmigrate::testing
