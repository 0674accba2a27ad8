// The proxy itself: accepts on a loopback port, forwards each request to the upstream
// registry over a per-client keep-alive connection, applies the schedule's faults to
// the answers and holds requests and new upstream connections by its latency rules.
// Single-threaded: run its io_context on one thread.
#pragma once

#include "tools/faultproxy/fault_schedule.hpp"
#include "tools/faultproxy/upload_part_check.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace regmigrate::faultproxy {

struct ProxyOptions {
    std::uint16_t port = 0;  // 0: any free port
    std::string upstream_host = "127.0.0.1";
    std::uint16_t upstream_port = 0;
    std::size_t max_body = 256u << 20;  // a request or answer body held in memory at most
    std::size_t max_connections = 256;  // clients at once; more are closed on accept
    std::chrono::milliseconds io_timeout{30'000};  // every read, write and connect
    bool log_injections = true;                    // one stderr line per fault
    bool log_requests = false;  // one stderr line per request: method, path, status
    // Set: uploads breaking Amazon ECR's part-size rule (see UploadPartCheck) are answered
    // 400 BLOB_UPLOAD_INVALID instead of being forwarded.
    std::optional<std::uint64_t> min_upload_part;
};

class ProxyServer {
  public:
    // Binds 127.0.0.1:options.port; throws boost::system::system_error when it cannot.
    ProxyServer(boost::asio::io_context& io, ProxyOptions options, FaultSchedule& schedule);

    std::uint16_t port() const;
    // Client connections served so far, and upstream connections opened for them (a
    // benchmark's "new connections": each one paid the latency rule's connect delay).
    std::uint64_t clients_accepted() const { return clients_accepted_; }
    std::uint64_t upstream_connections() const { return upstream_connections_; }
    // Starts accepting; connections are served until the io_context stops.
    void start();

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket client);

    boost::asio::io_context& io_;
    ProxyOptions options_;
    FaultSchedule& schedule_;
    std::optional<UploadPartCheck> part_check_;  // one io thread: no lock needed
    boost::asio::ip::tcp::acceptor acceptor_;
    std::size_t connections_ = 0;
    std::uint64_t clients_accepted_ = 0;
    std::uint64_t upstream_connections_ = 0;
};

}  // namespace regmigrate::faultproxy
