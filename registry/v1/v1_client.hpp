// Docker's legacy v1 registry API (docker-registry v0.x) as a read-only source: search
// (every page), tags, ancestry, image JSON and layer bodies. Authentication is HTTP basic
// on every request when credentials are given (a standalone v0.x registry's scheme); the
// index-issued X-Docker-Token flow of the Hub era is not spoken.
#pragma once

#include "registry/auth/credentials.hpp"
#include "registry/v1/v1_api.hpp"
#include "transport/http/http_client.hpp"
#include "transport/retry/retry_policy.hpp"

#include <string>
#include <vector>

namespace regmigrate::registry {

struct V1ClientOptions {
    std::size_t page_size = 100;  // search results per page (the n parameter)
    std::size_t max_pages = 100'000;
    // Replayable requests (everything but layer bodies) are retried under it; null: once.
    transport::RetryPolicy* retry = nullptr;
    // The user's explicit consent to send the password over plain HTTP to a host that is
    // not on loopback (registry/auth/cleartext_credentials.hpp); refused without it.
    bool allow_plain_http_credentials = false;
};

class V1Client {
  public:
    V1Client(transport::HttpClient& http, std::string host, Credentials credentials,
             V1ClientOptions options = {});

    const std::string& host() const { return host_; }

    // GET /v1/search?q=&n=&page= for every page: all repository names, sorted, unique.
    // Names that are not valid v1 repository names are refused with the page.
    boost::asio::awaitable<Expected<std::vector<std::string>>> search_repositories();
    boost::asio::awaitable<Expected<std::vector<V1Tag>>> list_tags(const V1Repository& repository);
    // The image ID a tag names.
    boost::asio::awaitable<Expected<std::string>> tag_image(const V1Repository& repository,
                                                            std::string_view tag);
    // Newest first, starting with image_id.
    boost::asio::awaitable<Expected<std::vector<std::string>>> ancestry(std::string_view image_id);
    boost::asio::awaitable<Expected<V1Image>> image(std::string_view image_id);
    // GET /v1/images/ID/layer answered 200 (redirects to storage followed); the caller reads
    // the body.
    boost::asio::awaitable<Expected<transport::ResponseStream>> open_layer(
        std::string_view image_id);

  private:
    boost::urls::url url_for(std::string_view path) const;
    // A GET with Basic credentials when there are any and they may go to url.
    Expected<transport::HttpRequest> get(boost::urls::url url) const;
    // GET url answered 200 with a JSON body of at most max_body bytes.
    boost::asio::awaitable<Expected<std::string>> fetch_json(boost::urls::url url,
                                                             const std::string& context);

    transport::HttpClient& http_;
    std::string host_;
    Credentials credentials_;
    V1ClientOptions options_;
};

}  // namespace regmigrate::registry
