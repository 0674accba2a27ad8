// One keep-alive HTTP/1.1 connection driven synchronously, with every wait bounded.
// Deliberately separate from the product's async transport so tests that fill a
// registry with it never test the product's client with itself.
#pragma once

#include "transport/error.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace regmigrate::fleet {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// "127.0.0.1:5000" or "[::1]:5000" split into host and port.
struct HostPort {
    std::string host;
    std::string port;
};
Expected<HostPort> split_host_port(const std::string& authority);

class SyncHttpConnection {
  public:
    SyncHttpConnection(HostPort endpoint, std::chrono::milliseconds timeout);
    ~SyncHttpConnection();
    SyncHttpConnection(const SyncHttpConnection&) = delete;
    SyncHttpConnection& operator=(const SyncHttpConnection&) = delete;

    // Sets Host and keep-alive, sends, reads the whole reply (bodies up to 64 MiB).
    // A reused connection the server already closed is reopened and the request
    // sent once more.
    Expected<HttpResponse> send(HttpRequest request);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace regmigrate::fleet
