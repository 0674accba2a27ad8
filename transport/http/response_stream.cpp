#include "transport/http/response_stream.hpp"

#include "transport/http/body_deadline.hpp"
#include "transport/http/read_body.hpp"

namespace regmigrate::transport {

namespace asio = boost::asio;

ResponseStream::ResponseStream(std::shared_ptr<ConnectionPool> pool,
                               std::unique_ptr<Connection> connection, boost::urls::url url,
                               const Timeouts& timeouts)
    : pool_(std::move(pool)),
      connection_(std::move(connection)),
      url_(std::move(url)),
      timeouts_(timeouts),
      started_(std::chrono::steady_clock::now()) {}

ResponseStream& ResponseStream::operator=(ResponseStream&& other) noexcept {
    if (this != &other) {
        give_back();
        pool_ = std::move(other.pool_);
        connection_ = std::move(other.connection_);
        url_ = std::move(other.url_);
        timeouts_ = other.timeouts_;
        started_ = other.started_;
        received_ = other.received_;
    }
    return *this;
}

ResponseStream::~ResponseStream() {
    give_back();
}

void ResponseStream::give_back() {
    if (pool_ && connection_)
        pool_->release(std::move(connection_));
}

int ResponseStream::status() const {
    return static_cast<int>(connection_->parser().get().result_int());
}

const http::fields& ResponseStream::headers() const {
    return connection_->parser().get().base();
}

std::optional<std::uint64_t> ResponseStream::content_length() const {
    auto length = connection_->parser().content_length();
    if (!length)
        return std::nullopt;
    return *length;
}

std::chrono::steady_clock::time_point ResponseStream::body_deadline() const {
    // A body of unknown size earns its time as it arrives.
    return started_ + body_time_allowed(timeouts_, content_length().value_or(received_));
}

asio::awaitable<Expected<std::size_t>> ResponseStream::read(asio::mutable_buffer buffer) {
    const auto deadline = body_deadline();
    auto got = co_await connection_->read_body(buffer, deadline);
    if (!got) {
        if (got.error().kind == ErrorKind::timeout &&
            std::chrono::steady_clock::now() >= deadline) {
            co_return make_error(
                ErrorKind::timeout,
                "response body of " + describe_request(http::verb::get, url_) +
                    " too slow: " + std::to_string(received_) + " bytes after " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(deadline - started_)
                            .count()) +
                    " s (at least " + std::to_string(timeouts_.body_min_rate) +
                    " bytes/s expected)");
        }
        co_return got;
    }
    received_ += *got;
    co_return got;
}

asio::awaitable<Expected<std::string>> ResponseStream::read_all(std::size_t max_bytes) {
    const auto announced = content_length();
    std::string what = "response body of " + describe_request(http::verb::get, url_);
    if (announced && *announced > max_bytes)
        co_return body_too_large(what, max_bytes);
    co_return co_await read_to_string(*this, max_bytes, std::move(what),
                                      static_cast<std::size_t>(announced.value_or(0)));
}

asio::awaitable<void> ResponseStream::discard(std::size_t max_bytes) {
    const auto announced = content_length();
    if (!connection_->body_complete() && (!announced || *announced <= max_bytes)) {
        (void)co_await read_all(max_bytes);
    }
}

}  // namespace regmigrate::transport
