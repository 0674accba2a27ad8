// What a test registry holds, listed over plain HTTP with the fixtures' own client: the
// repositories of its catalog and every REPO:TAG, for asserting exactly what a run wrote.
#pragma once

#include "transport/error.hpp"

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace regmigrate::testing {

// GET /v2/_catalog (one page of 1000, the registry's maximum), in the registry's order.
Expected<std::vector<std::string>> list_repositories(const std::string& host);

// "REPO:TAG" for every tag of every repository. A repository that holds blobs but no
// tag (a failed copy leaves those) contributes nothing.
Expected<std::set<std::string>> list_tagged_images(const std::string& host);

// The digest the registry serves for repository:reference, "" when it serves none (a copy
// that did not arrive). Anonymous unless username/password are given.
std::string served_digest(const std::string& host, const std::string& repository,
                          const std::string& reference, const std::string& username = "",
                          const std::string& password = "");

// Uploads the registry with filesystem storage `storage` still holds data for: `data` files
// under a repository's _uploads (cancelling removes an upload's data but leaves its empty
// directories behind).
std::size_t uploads_holding_data(const std::filesystem::path& storage);

}  // namespace regmigrate::testing
