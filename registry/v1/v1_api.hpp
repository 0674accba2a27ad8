// Docker's legacy v1 registry API (docker-registry v0.x), the parsing half: names and image
// IDs validated strictly (they go into URL paths, and a v1 server is untrusted input),
// search pages, tag lists, ancestry chains and v1 image JSON. No sockets here.
#pragma once

#include "transport/error.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::registry {

// A v1 image ID: 64 lowercase hex digits.
bool is_valid_v1_image_id(std::string_view id);
// A v1 tag: docker-registry's rule, which is the v2 tag grammar (is_valid_tag).
bool is_valid_v1_tag(std::string_view tag);

// "namespace/repository"; a bare "repository" is docker's "library/repository".
struct V1Repository {
    std::string name_space;  // [a-z0-9_-]{2,255}
    std::string name;        // [a-z0-9_.-]{1,255}, not starting with '.'
    std::string full() const { return name_space + "/" + name; }
};
Expected<V1Repository> parse_v1_repository(std::string_view name);

// GET /v1/search?q=&n=&page= answers {"num_pages", "page", "results": [{"name"}]}; a server
// without paging leaves out num_pages and page (one page).
struct V1SearchPage {
    std::vector<std::string> names;
    std::size_t page = 1;
    std::size_t num_pages = 1;
};
Expected<V1SearchPage> parse_v1_search_page(std::string_view json);

// GET /v1/repositories/NS/REPO/tags: {"TAG": "ID", ...}, or the older [{"layer", "name"}].
// image_id is empty where the server gave a short or missing ID (resolve the tag alone).
struct V1Tag {
    std::string name;
    std::string image_id;
};
Expected<std::vector<V1Tag>> parse_v1_tags(std::string_view json);

// GET /v1/repositories/NS/REPO/tags/TAG: the image ID as a JSON string.
Expected<std::string> parse_v1_tag_image(std::string_view json);

// GET /v1/images/ID/ancestry: IDs newest first, starting with `image_id`, no repeats.
inline constexpr std::size_t max_v1_ancestry = 1000;
Expected<std::vector<std::string>> parse_v1_ancestry(std::string_view json,
                                                     std::string_view image_id);

// GET /v1/images/ID/json: the fields the v2 conversion needs, and the whole object.
struct V1Image {
    std::string id;
    std::string parent;  // empty for a base image
    std::string created;
    std::string author;
    std::string comment;
    std::string created_by;  // container_config.Cmd joined with spaces, as docker did
    boost::json::object json;
};
Expected<V1Image> parse_v1_image(std::string_view json, std::string_view image_id);

// Paths with validated pieces only.
std::string v1_tags_path(const V1Repository& repository);
std::string v1_tag_path(const V1Repository& repository, std::string_view tag);
// what: "ancestry", "json" or "layer".
std::string v1_image_path(std::string_view image_id, std::string_view what);

}  // namespace regmigrate::registry
