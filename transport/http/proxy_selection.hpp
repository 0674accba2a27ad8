// Which forward proxy, if any, carries the traffic to an origin: HTTP_PROXY, HTTPS_PROXY and
// NO_PROXY read as Go's ProxyFromEnvironment reads them (lower-case names win over upper-case
// ones, as curl), or one proxy chosen by a plan or --proxy. Pure: no sockets, no getenv of its own.
#pragma once

#include "transport/error.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::transport {

struct Origin;

// An HTTP forward proxy, from a URL such as http://user:pass@10.0.0.1:3128.
struct ProxyServer {
    std::string host;  // without brackets for IPv6
    std::uint16_t port = 80;
    std::string username;  // percent-decoded userinfo; sent to the proxy only
    std::string password;

    // "10.0.0.1:3128", "[fd00::1]:3128": how messages name the proxy (never the userinfo).
    std::string address() const;
    // The Proxy-Authorization value (Basic), or "" when the URL carried no user.
    std::string authorization() const;
    bool operator==(const ProxyServer&) const = default;
};

// http://[USER[:PASS]@]HOST[:PORT][/], or HOST[:PORT] alone (read as http, like Go and curl).
// Only http:// proxies are spoken to; the port defaults to 80 as in Go. Errors never echo the
// password.
Expected<ProxyServer> parse_proxy_url(std::string_view text);

// One NO_PROXY entry, already classified.
struct NoProxyRule {
    enum class Kind { everything, address, network, domain };
    Kind kind = Kind::domain;
    boost::asio::ip::address ip;        // address: the address; network: the network's base
    unsigned prefix = 0;                // network: prefix length
    std::string domain;                 // domain: lower case, with a leading '.'
    bool exact_host_too = false;        // domain: "example.com" also matches example.com itself
    std::optional<std::uint16_t> port;  // address, domain: only this port

    bool operator==(const NoProxyRule&) const = default;
};

// NO_PROXY: comma-separated host names, domain suffixes (".example.com", "*.example.com",
// "example.com"), IP addresses, CIDR ranges, any of them with ":PORT", or "*". Entries that
// mean nothing (empty, ":80") are skipped, as Go skips them.
std::vector<NoProxyRule> parse_no_proxy(std::string_view text);

// Whether host:port is reached directly under these rules.
bool bypasses_proxy(const std::vector<NoProxyRule>& rules, std::string_view host,
                    std::uint16_t port);

// The one loopback rule, as written (no DNS): localhost, 127.0.0.0/8, ::1 and ::ffff:127.x.
// Never proxied from the environment (as Go), and where passwords may go over plain HTTP.
bool is_loopback_host(std::string_view host);

// What a client does for every origin it talks to.
struct ProxyRules {
    std::optional<ProxyServer> http;   // for http:// origins
    std::optional<ProxyServer> https;  // for https:// origins (through a CONNECT tunnel)
    std::vector<NoProxyRule> no_proxy;
    // Set by an explicit choice (plan, --proxy): loopback origins go through the proxy too.
    bool proxy_loopback = false;

    bool operator==(const ProxyRules&) const = default;
};

// The proxy for origin, or nothing for a direct connection.
std::optional<ProxyServer> select_proxy(const ProxyRules& rules, const Origin& origin);

// Reads a variable; nullptr when unset (std::getenv in production, a map in tests).
using EnvironmentLookup = std::function<const char*(const char*)>;

// Rules from HTTP_PROXY/http_proxy, HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy. An empty
// value means no proxy. A malformed proxy URL is an error naming its variable.
Expected<ProxyRules> proxy_rules_from_environment(const EnvironmentLookup& lookup);

// A plan's `proxy:` or --proxy: "none" (every origin direct, whatever the environment says)
// or a proxy URL that carries every origin, loopback included, NO_PROXY not consulted.
Expected<ProxyRules> parse_proxy_choice(std::string_view text);

}  // namespace regmigrate::transport
