// A small HTTP forward proxy for tests, built from the public spec (RFC 9110 9.3.6 CONNECT,
// RFC 9112 3.2.2 absolute-form, RFC 9110 11.7 Proxy-Authenticate/Proxy-Authorization): it
// opens CONNECT tunnels and forwards absolute-form requests, optionally demands Basic proxy
// credentials, and keeps a log of every request it read. Listens on 127.0.0.1 (port 0) from
// one background thread; reaches only the upstreams the tests name (registries on loopback).
// A real proxy (tinyproxy, squid) is not a test dependency; the README records a manual
// cross-check against tinyproxy.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace regmigrate::testing {

struct ForwardProxyOptions {
    std::string username;  // non-empty: every request needs Basic username:password
    std::string password;
};

// One request as the proxy read it.
struct ProxiedRequest {
    std::string method;        // "CONNECT", "GET", ...
    std::string target;        // "127.0.0.1:5000" for CONNECT, else the absolute URL
    bool proxy_authorization;  // it carried Proxy-Authorization
    bool authorization;        // it carried Authorization (visible to the proxy)
    int status;                // what the proxy answered (200 for an opened tunnel)
};

class ForwardProxy {
  public:
    explicit ForwardProxy(ForwardProxyOptions options = {});
    ~ForwardProxy();
    ForwardProxy(const ForwardProxy&) = delete;
    ForwardProxy& operator=(const ForwardProxy&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const;  // "127.0.0.1:PORT"
    // "http://127.0.0.1:PORT", with user:password@ when with_credentials.
    std::string url(bool with_credentials = false) const;

    std::vector<ProxiedRequest> log() const;
    // The log, one request a line: "CONNECT 127.0.0.1:5000 -> 200 [proxy-auth]".
    std::string log_text() const;

  private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket client);
    // Whether the request may pass: no credentials demanded, or the right ones given.
    bool authorized(std::string_view proxy_authorization) const;
    void record(ProxiedRequest request);

    ForwardProxyOptions options_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    std::vector<ProxiedRequest> log_;
    std::thread thread_;
};

}  // namespace regmigrate::testing
