// A small, faithful legacy v1 registry, built from the public description of docker's v1
// registry API (docker-registry v0.x, "Docker Registry API" v1 docs), since no v1 server
// can run here:
//   GET /v1/_ping                                  → 200 true, X-Docker-Registry-Version
//   GET /v1/search?q=&n=&page=                     → {"num_pages","num_results","page",
//                                                     "page_size","query","results":[{name}]}
//   GET /v1/repositories/NS/REPO/tags              → {"TAG": "IMAGE_ID", ...}
//   GET /v1/repositories/NS/REPO/tags/TAG          → "IMAGE_ID"
//   GET /v1/images/ID/ancestry                     → ["ID", "PARENT", ...] newest first
//   GET /v1/images/ID/json                         → the v1 image JSON, X-Docker-Size
//   GET /v1/images/ID/layer                        → the layer as pushed (tar or tar.gz)
// Anything else is 404 (GET /v2/ too: it speaks only v1). Images are added by the test
// with their layer bodies; IDs are derived from their content. Listens on 127.0.0.1.
#pragma once

#include "tests/support/scripted_http_server.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace regmigrate::testing {

// A ustar archive of regular files (path → content), with the two zero blocks at its end.
std::string ustar_archive(const std::map<std::string, std::string>& files);

class V1Fake {
  public:
    // search_page_size: the largest page search answers (n is capped to it).
    explicit V1Fake(std::size_t search_page_size = 2);

    // Adds an image whose layer body is `layer` (served as given) and returns its ID.
    // created_by is what container_config.Cmd ran; parent is empty for a base image.
    std::string add_image(const std::string& parent, std::string layer,
                          const std::string& created_by);
    void tag(const std::string& repository, const std::string& tag, const std::string& image_id);

    std::string host() const;  // "127.0.0.1:PORT"
    std::size_t layer_downloads(const std::string& image_id) const;

  private:
    struct Image {
        std::string parent;
        std::string json;
        std::string layer;
    };
    ScriptedReply answer(const ScriptedRequest& request);
    ScriptedReply search(std::string_view query, std::size_t page, std::size_t page_size) const;
    ScriptedReply image(const std::string& id, std::string_view what);

    std::size_t search_page_size_;
    mutable std::mutex mutex_;
    std::map<std::string, Image> images_;
    std::map<std::string, std::map<std::string, std::string>> repositories_;  // tag → ID
    std::map<std::string, std::size_t> layer_downloads_;
    std::unique_ptr<ScriptedHttpServer> server_;
};

}  // namespace regmigrate::testing
