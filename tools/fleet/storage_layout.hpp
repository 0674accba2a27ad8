// Where docker-registry (distribution 2.8, filesystem driver) keeps blobs, blob links,
// manifest revisions and tags under its storage root. This is distribution's filesystem
// storage layout as its registry/storage/paths.go describes it:
//   docker/registry/v2/blobs/sha256/<first two hex>/<hex>/data                 content
//   docker/registry/v2/repositories/<name>/_layers/sha256/<hex>/link           blob in repo
//   .../<name>/_manifests/revisions/sha256/<hex>/link                         manifest in repo
//   .../<name>/_manifests/tags/<tag>/current/link                             what the tag is
//   .../<name>/_manifests/tags/<tag>/index/sha256/<hex>/link                  what it has been
//   .../<name>/_uploads/<id>/                                                 uploads in progress
// Every link file holds "sha256:<hex>" and nothing else. Pure: no file is touched here.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::fleet {

// The 64 hex digits of "sha256:<hex>"; an error for anything else, so a digest can
// never name a path outside its place.
Expected<std::string_view> sha256_hex(std::string_view digest);

// distribution's grammar: components of [a-z0-9]+ joined by '.', '_', '__' or '-'s,
// separated by '/'; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool valid_repository_name(std::string_view repository);
bool valid_tag(std::string_view tag);

// Paths relative to the storage root, for a validated repository, tag and hex digest.
std::string blob_data_path(std::string_view hex);
std::string layer_link_path(std::string_view repository, std::string_view hex);
std::string revision_link_path(std::string_view repository, std::string_view hex);
std::string tag_current_link_path(std::string_view repository, std::string_view tag);
std::string tag_index_link_path(std::string_view repository, std::string_view tag,
                                std::string_view hex);
std::string upload_directory_path(std::string_view repository, std::string_view id);

}  // namespace regmigrate::fleet
