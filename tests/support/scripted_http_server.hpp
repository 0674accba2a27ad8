// A scriptable HTTP/1.1 server for transport tests: each accepted connection is served
// by the test's own handler coroutine, so a test can answer, redirect, close a keep-alive
// connection, stall, or send half a body exactly when it wants to. Listens on
// 127.0.0.1 (port 0), plain or TLS, from one background thread; counts connections and
// requests and records every request it reads.
#pragma once

#include "tests/support/test_pki.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace regmigrate::testing {

struct ScriptedRequest {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target;
    boost::beast::http::fields headers;
    std::string body;
    std::size_t connection = 0;       // index of the connection it arrived on, in accept order
    bool client_certificate = false;  // the TLS client presented one (see client_ca)

    // "" when absent.
    std::string header(std::string_view name) const;
};

struct ScriptedReply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool chunked = false;  // Transfer-Encoding: chunked instead of Content-Length
};

// A 3xx reply pointing at location.
ScriptedReply redirect_reply(int status, std::string location);

class ScriptedHttpServer;

// The server end of one accepted connection, handed to the test's handler.
class ScriptedConnection {
  public:
    using PlainStream = boost::beast::tcp_stream;
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    ScriptedConnection(ScriptedHttpServer& server, std::size_t index,
                       std::unique_ptr<PlainStream> plain, std::unique_ptr<TlsStream> tls);

    std::size_t index() const { return index_; }  // 0 for the first connection accepted

    // The next complete request, or nullopt once the client closed the connection.
    boost::asio::awaitable<std::optional<ScriptedRequest>> read_request();
    // A complete keep-alive response with Content-Length.
    boost::asio::awaitable<void> respond(const ScriptedReply& reply);
    // Bytes exactly as given: hand-made headers, part of a body.
    boost::asio::awaitable<void> send_raw(std::string bytes);
    boost::asio::awaitable<void> pause(std::chrono::milliseconds duration);
    // Stalls without answering until the client gives up and closes the connection. Not
    // after read_request met the client's end of stream: asio's epoll reactor does not
    // report it a second time, and this would wait for good.
    boost::asio::awaitable<void> wait_for_client_close();
    void close();

  private:
    PlainStream& lowest_layer();
    // Runs op on whichever stream this connection speaks (both give the same awaitable).
    template <class Op>
    auto on_stream(Op op);

    ScriptedHttpServer& server_;
    std::size_t index_;
    std::unique_ptr<PlainStream> plain_;
    std::unique_ptr<TlsStream> tls_;
    boost::beast::flat_buffer buffer_;
};

using ConnectionHandler = std::function<boost::asio::awaitable<void>(ScriptedConnection&)>;
using Responder = std::function<ScriptedReply(const ScriptedRequest&)>;

// The usual handler: answers each request with responder(request), optionally after a delay,
// and closes the connection after close_after requests.
ConnectionHandler answer_each(Responder responder,
                              std::size_t close_after = std::numeric_limits<std::size_t>::max(),
                              std::chrono::milliseconds delay = std::chrono::milliseconds(0));

class ScriptedHttpServer {
  public:
    // tls: serve HTTPS with this certificate and key. client_ca: also ask TLS clients for a
    // certificate (optional) issued by this CA, and record whether one was presented.
    explicit ScriptedHttpServer(ConnectionHandler handler,
                                std::optional<CertFiles> tls = std::nullopt,
                                std::optional<std::filesystem::path> client_ca = std::nullopt);
    ~ScriptedHttpServer();
    ScriptedHttpServer(const ScriptedHttpServer&) = delete;
    ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:PORT" + path (https with TLS); host replaces 127.0.0.1 when given.
    std::string url(std::string_view path, std::string_view host = "127.0.0.1") const;

    std::size_t connections_accepted() const { return accepted_; }
    std::size_t open_connections() const { return open_; }
    std::size_t max_concurrent_connections() const { return max_open_; }
    std::size_t requests_received() const;
    std::vector<ScriptedRequest> requests() const;  // in arrival order

  private:
    friend class ScriptedConnection;
    struct Loop;

    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(std::unique_ptr<ScriptedConnection::PlainStream> stream,
                                       std::size_t index);
    void record(const ScriptedRequest& request);

    ConnectionHandler handler_;
    bool tls_ = false;
    std::uint16_t port_ = 0;
    std::atomic<std::size_t> accepted_{0};
    std::atomic<std::size_t> open_{0};
    std::atomic<std::size_t> max_open_{0};
    mutable std::mutex requests_mutex_;
    std::vector<ScriptedRequest> requests_;
    std::unique_ptr<Loop> loop_;
    std::thread thread_;
};

}  // namespace regmigrate::testing
