// A response whose header has been read and whose body is still on the wire.
#pragma once

#include "transport/http/connection.hpp"
#include "transport/http/connection_pool.hpp"

#include <memory>
#include <optional>

namespace regmigrate::transport {

class ResponseStream final : public BodySource {
  public:
    // The body's total deadline (timeouts.body_floor, body_min_rate) runs from here.
    ResponseStream(std::shared_ptr<ConnectionPool> pool, std::unique_ptr<Connection> connection,
                   boost::urls::url url, const Timeouts& timeouts);
    ResponseStream(ResponseStream&&) noexcept = default;
    ResponseStream& operator=(ResponseStream&&) noexcept;
    ~ResponseStream();  // hands the connection back: kept alive if the body was read to its end

    int status() const;
    const http::fields& headers() const;
    std::string header(std::string_view name) const { return header_value(headers(), name); }
    std::optional<std::uint64_t> content_length() const;
    const boost::urls::url& url() const { return url_; }

    // Next piece of the body into buffer; 0 at the end. A body still arriving past its
    // total deadline (see body_time_allowed) fails with ErrorKind::timeout.
    boost::asio::awaitable<Expected<std::size_t>> read(boost::asio::mutable_buffer buffer) override;
    // The whole body, refused with ErrorKind::too_large past max_bytes.
    boost::asio::awaitable<Expected<std::string>> read_all(std::size_t max_bytes);
    // Reads and drops a small body so the connection can be reused; larger ones close it.
    boost::asio::awaitable<void> discard(std::size_t max_bytes = 64 * 1024);

  private:
    void give_back();
    std::chrono::steady_clock::time_point body_deadline() const;

    std::shared_ptr<ConnectionPool> pool_;
    std::unique_ptr<Connection> connection_;
    boost::urls::url url_;
    Timeouts timeouts_;
    std::chrono::steady_clock::time_point started_;
    std::uint64_t received_ = 0;
};

}  // namespace regmigrate::transport
