// Requests and responses as the client sees them, and the streaming body interfaces.
#pragma once

#include "transport/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace regmigrate::transport {

namespace http = boost::beast::http;

// Produces a request body piece by piece; returning 0 means the body is complete.
class BodySource {
  public:
    virtual ~BodySource() = default;
    virtual boost::asio::awaitable<Expected<std::size_t>> read(
        boost::asio::mutable_buffer buffer) = 0;
};

struct HttpRequest {
    http::verb method = http::verb::get;
    boost::urls::url url;
    http::fields headers;
    // A small body sent as is (replayable, so the request may be retried).
    std::string body;
    // A streamed body, read once; content_length must be set with it.
    BodySource* body_source = nullptr;
    std::optional<std::uint64_t> content_length;
    bool follow_redirects = true;
};

struct HttpResponse {
    int status = 0;
    http::fields headers;
    std::string body;
    boost::urls::url url;  // the URL that answered, after redirects
};

struct Timeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds response_header{60'000};
    std::chrono::milliseconds idle{60'000};  // between body chunks, either direction
    // A response body must also end within body_floor + its size / body_min_rate (bytes per
    // second): a peer dripping a byte just inside `idle` cannot hold a transfer for hours.
    // See body_time_allowed (transport/http/body_deadline.hpp); a rate of 0 turns this off.
    std::chrono::milliseconds body_floor{300'000};
    std::uint64_t body_min_rate = 32 * 1024;
};

// "GET 127.0.0.1:5000/v2/foo/manifests/1" — for messages: no query (upload state), no userinfo.
std::string describe_request(http::verb method, boost::urls::url_view url);

// The value of a header, or an empty string when it is absent.
std::string header_value(const http::fields& headers, std::string_view name);

}  // namespace regmigrate::transport
