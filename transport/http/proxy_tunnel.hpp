// Speaking through an HTTP forward proxy: a CONNECT tunnel for https origins (TLS then runs
// end to end with the registry inside it), absolute-form request targets for http ones
// (RFC 9112 3.2.2). Proxy credentials go in Proxy-Authorization to the proxy only.
#pragma once

#include "transport/http/connection.hpp"
#include "transport/http/proxy_selection.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace regmigrate::transport {

// "registry.example:443", "[fd00::1]:5000": the authority a CONNECT asks for.
std::string connect_authority(const Origin& origin);

// CONNECT host:port HTTP/1.1, with Host and, when the proxy URL carried a user,
// Proxy-Authorization. Nothing else: no registry header ever goes to the proxy here.
http::request<http::empty_body> connect_request(const Origin& origin, const ProxyServer& proxy);

// The absolute-form target of a plain-http request sent to a proxy:
// "http://registry.example:5000/v2/x/manifests/1?n=2" (no userinfo, no fragment).
std::string absolute_form_target(const Origin& origin, boost::urls::url_view url);

// "proxy 10.0.0.1:3128 refused CONNECT to registry.example:443 (HTTP 407 Proxy
// Authentication Required)". 407: ErrorKind::unauthorized; other statuses ErrorKind::http with
// the status (so a 502/503/504 from the proxy is retried like one from a registry).
Error proxy_refusal(const ProxyServer& proxy, std::string_view what, int status,
                    std::string_view reason);

// Whether a CONNECT answer opens the tunnel (any 2xx, RFC 9110 9.3.6).
bool tunnel_established(int status);

// Sends CONNECT over a connected stream to the proxy and reads its answer, all within timeout.
// On success the stream carries bytes to and from origin.
boost::asio::awaitable<Expected<void>> open_tunnel(boost::beast::tcp_stream& stream,
                                                   const Origin& origin, const ProxyServer& proxy,
                                                   std::chrono::milliseconds timeout);

}  // namespace regmigrate::transport
