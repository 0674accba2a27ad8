#include "registry/v1/v1_client.hpp"

#include "registry/auth/cleartext_credentials.hpp"
#include "registry/distribution/registry_client.hpp"
#include "registry/name/request_path.hpp"
#include "transport/retry/retry_wait.hpp"

#include <algorithm>

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t max_json_body = 16 * 1024 * 1024;

Error invalid_id(std::string_view what) {
    return make_error(ErrorKind::invalid_argument, std::string(what) + " is not a v1 image ID");
}

}  // namespace

V1Client::V1Client(transport::HttpClient& http, std::string host, Credentials credentials,
                   V1ClientOptions options)
    : http_(http),
      host_(std::move(host)),
      credentials_(std::move(credentials)),
      options_(options) {}

boost::urls::url V1Client::url_for(std::string_view path) const {
    boost::urls::url url;
    url.set_scheme(http_.scheme());
    url.set_encoded_authority(host_);
    set_request_path(url, path);
    return url;
}

Expected<transport::HttpRequest> V1Client::get(boost::urls::url url) const {
    transport::HttpRequest request;
    request.headers.set(http::field::accept, "application/json");
    if (!credentials_.empty()) {
        auto permitted = permit_cleartext_credentials(url, options_.allow_plain_http_credentials,
                                                      host_, http_.options().proxy);
        if (!permitted)
            return permitted.error();
        request.headers.set(http::field::authorization, credentials_.basic_authorization());
    }
    request.url = std::move(url);
    return request;
}

asio::awaitable<Expected<std::string>> V1Client::fetch_json(boost::urls::url url,
                                                            const std::string& context) {
    auto attempt = [&](transport::RetryAttempts*) -> asio::awaitable<Expected<std::string>> {
        auto request = get(url);
        if (!request)
            co_return with_context(request.error(), context);
        auto response = co_await http_.send(std::move(*request));
        if (!response)
            co_return with_context(response.error(), context);
        if (response->status() != 200)
            co_return co_await explain_response(*response, context);
        auto body = co_await response->read_all(max_json_body);
        if (!body)
            co_return with_context(body.error(), context);
        co_return std::move(*body);
    };
    co_return co_await transport::retry_operation<std::string>(options_.retry, context, attempt);
}

asio::awaitable<Expected<std::vector<std::string>>> V1Client::search_repositories() {
    std::vector<std::string> names;
    for (std::size_t page = 1;; ++page) {
        if (page > options_.max_pages) {
            co_return make_error(ErrorKind::protocol,
                                 "searching " + host_ + ": pagination does not end after " +
                                     std::to_string(options_.max_pages) + " pages");
        }
        auto url = url_for("/v1/search");
        url.params().set("q", "");
        url.params().set("n", std::to_string(options_.page_size));
        url.params().set("page", std::to_string(page));
        const std::string context = "searching " + host_ + " (page " + std::to_string(page) + ")";
        auto body = co_await fetch_json(std::move(url), context);
        if (!body)
            co_return body.error();
        auto parsed = parse_v1_search_page(*body);
        if (!parsed)
            co_return with_context(parsed.error(), context);
        for (auto& name : parsed->names) {
            auto repository = parse_v1_repository(name);
            if (!repository)
                co_return with_context(repository.error(), context);
            names.push_back(repository->full());
        }
        if (parsed->page != page) {
            co_return make_error(ErrorKind::protocol, context + ": the server answered page " +
                                                          std::to_string(parsed->page));
        }
        if (page >= parsed->num_pages)
            break;
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    co_return names;
}

asio::awaitable<Expected<std::vector<V1Tag>>> V1Client::list_tags(const V1Repository& repository) {
    const std::string context = "listing tags of " + host_ + "/" + repository.full();
    auto body = co_await fetch_json(url_for(v1_tags_path(repository)), context);
    if (!body)
        co_return body.error();
    auto tags = parse_v1_tags(*body);
    if (!tags)
        co_return with_context(tags.error(), context);
    co_return std::move(*tags);
}

asio::awaitable<Expected<std::string>> V1Client::tag_image(const V1Repository& repository,
                                                           std::string_view tag) {
    if (!is_valid_v1_tag(tag))
        co_return make_error(ErrorKind::invalid_argument, "not a v1 tag: " + std::string(tag));
    const std::string context =
        "resolving " + host_ + "/" + repository.full() + ":" + std::string(tag);
    auto body = co_await fetch_json(url_for(v1_tag_path(repository, tag)), context);
    if (!body)
        co_return body.error();
    auto id = parse_v1_tag_image(*body);
    if (!id)
        co_return with_context(id.error(), context);
    co_return std::move(*id);
}

asio::awaitable<Expected<std::vector<std::string>>> V1Client::ancestry(std::string_view image_id) {
    if (!is_valid_v1_image_id(image_id))
        co_return invalid_id(image_id);
    const std::string context = "reading the ancestry of v1 image " + std::string(image_id);
    auto body = co_await fetch_json(url_for(v1_image_path(image_id, "ancestry")), context);
    if (!body)
        co_return body.error();
    auto ids = parse_v1_ancestry(*body, image_id);
    if (!ids)
        co_return with_context(ids.error(), context);
    co_return std::move(*ids);
}

asio::awaitable<Expected<V1Image>> V1Client::image(std::string_view image_id) {
    if (!is_valid_v1_image_id(image_id))
        co_return invalid_id(image_id);
    const std::string context = "reading v1 image " + std::string(image_id);
    auto body = co_await fetch_json(url_for(v1_image_path(image_id, "json")), context);
    if (!body)
        co_return body.error();
    auto image = parse_v1_image(*body, image_id);
    if (!image)
        co_return with_context(image.error(), context);
    co_return std::move(*image);
}

asio::awaitable<Expected<transport::ResponseStream>> V1Client::open_layer(
    std::string_view image_id) {
    if (!is_valid_v1_image_id(image_id))
        co_return invalid_id(image_id);
    const std::string context = "downloading the layer of v1 image " + std::string(image_id);
    auto request = get(url_for(v1_image_path(image_id, "layer")));
    if (!request)
        co_return with_context(request.error(), context);
    request->headers.set(http::field::accept, "*/*");
    auto response = co_await http_.send(std::move(*request));
    if (!response)
        co_return with_context(response.error(), context);
    if (response->status() != 200)
        co_return co_await explain_response(*response, context);
    co_return std::move(*response);
}

}  // namespace regmigrate::registry
