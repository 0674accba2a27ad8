#include "transport/http/proxy_selection.hpp"

#include "transport/base64.hpp"
#include "transport/http/connection.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace regmigrate::transport {

namespace ip = boost::asio::ip;

namespace {

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The text of a proxy URL safe to show: its scheme and whatever follows the userinfo.
std::string without_userinfo(std::string_view text) {
    const auto at = text.rfind('@');
    if (at == std::string_view::npos)
        return std::string(text);
    const auto scheme_end = text.find("://");
    const auto scheme = scheme_end != std::string_view::npos && scheme_end < at
                            ? text.substr(0, scheme_end + 3)
                            : std::string_view();
    return std::string(scheme) + std::string(text.substr(at + 1));
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

std::optional<ip::address> parse_ip(std::string_view text) {
    boost::system::error_code ec;
    auto address = ip::make_address(std::string(text), ec);
    if (ec)
        return std::nullopt;
    // Compare IPv4-mapped IPv6 addresses as the IPv4 address they carry.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return ip::address(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
    }
    return address;
}

// "10.0.0.0/8", "fd00::/16": the base address and prefix, or nothing.
std::optional<std::pair<ip::address, unsigned>> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    const auto address = parse_ip(text.substr(0, slash));
    const auto bits = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (!address || bits.empty() || ec != std::errc{} || end != bits.data() + bits.size() ||
        prefix > (address->is_v4() ? 32u : 128u)) {
        return std::nullopt;
    }
    return std::pair{*address, prefix};
}

bool in_network(const ip::address& candidate, const ip::address& base, unsigned prefix) {
    if (candidate.is_v4() != base.is_v4())
        return false;
    const auto bytes = [](const ip::address& a) {
        std::vector<unsigned char> out;
        if (a.is_v4()) {
            const auto b = a.to_v4().to_bytes();
            out.assign(b.begin(), b.end());
        } else {
            const auto b = a.to_v6().to_bytes();
            out.assign(b.begin(), b.end());
        }
        return out;
    };
    const auto a = bytes(candidate);
    const auto b = bytes(base);
    for (unsigned bit = 0; bit < prefix; ++bit) {
        const unsigned mask = 0x80u >> (bit % 8);
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
            return false;
    }
    return true;
}

// "host:port", "[v6]:port" → host and port text; anything else is all host (as Go's
// net.SplitHostPort, which refuses "2001:db8::1" and so leaves it whole).
std::pair<std::string_view, std::string_view> split_host_port(std::string_view text) {
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return {text, {}};
        const auto rest = text.substr(close + 1);
        return {text.substr(1, close - 1), rest.starts_with(':') ? rest.substr(1) : rest};
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
        return {text, {}};
    }
    return {text.substr(0, colon), text.substr(colon + 1)};
}

std::string normalized_host(std::string_view host) {
    std::string lower = boost::algorithm::to_lower_copy(std::string(host));
    if (lower.size() > 1 && lower.back() == '.')
        lower.pop_back();  // "example.com." is the same
    return lower;
}

bool rule_matches(const NoProxyRule& rule, const std::string& host,
                  const std::optional<ip::address>& address, std::uint16_t port) {
    const bool port_ok = !rule.port || *rule.port == port;
    switch (rule.kind) {
        case NoProxyRule::Kind::everything:
            return true;
        case NoProxyRule::Kind::address:
            return address && *address == rule.ip && port_ok;
        case NoProxyRule::Kind::network:
            return address && in_network(*address, rule.ip, rule.prefix);
        case NoProxyRule::Kind::domain: {
            const bool suffix = host.size() > rule.domain.size() && host.ends_with(rule.domain);
            const bool exact = rule.exact_host_too && host == rule.domain.substr(1);
            return (suffix || exact) && port_ok;
        }
    }
    return false;
}

struct Variable {
    const char* name = nullptr;
    const char* value = nullptr;  // nullptr: neither form is set to a non-empty value
};

// The lower-case form when it is set and non-empty (curl's order), else the upper-case one.
Variable first_set(const EnvironmentLookup& lookup, const char* lower, const char* upper) {
    for (const char* name : {lower, upper}) {
        const char* value = lookup(name);
        if (value != nullptr && *value != '\0')
            return {name, value};
    }
    return {};
}

}  // namespace

std::string ProxyServer::address() const {
    return bracketed(host) + ":" + std::to_string(port);
}

std::string ProxyServer::authorization() const {
    if (username.empty())
        return {};
    return "Basic " + base64_encode(username + ":" + password);
}

Expected<ProxyServer> parse_proxy_url(std::string_view text) {
    const std::string shown = without_userinfo(text);
    const auto invalid = [&shown](const std::string& why) {
        return make_error(ErrorKind::invalid_argument, "proxy URL \"" + shown + "\" " + why);
    };
    std::string candidate(boost::algorithm::trim_copy(std::string(text)));
    if (candidate.empty())
        return invalid("is empty");
    auto parsed = boost::urls::parse_uri(candidate);
    const auto known_scheme = [](std::string_view scheme) {
        return scheme == "http" || scheme == "https" || scheme == "socks5" || scheme == "socks5h";
    };
    // Go and curl read a value without a scheme ("proxy.corp:3128") as an http proxy.
    if (!parsed || !known_scheme(boost::algorithm::to_lower_copy(std::string(parsed->scheme())))) {
        candidate = "http://" + candidate;
        parsed = boost::urls::parse_uri(candidate);
    }
    if (!parsed)
        return invalid("is not a URL");
    const auto& url = *parsed;
    if (url.scheme_id() != boost::urls::scheme::http) {
        return invalid("has scheme \"" + std::string(url.scheme()) +
                       "\": only http:// proxies are supported");
    }
    if (url.host_type() == boost::urls::host_type::none || url.encoded_host().empty()) {
        return invalid("has no host");
    }
    if ((!url.encoded_path().empty() && url.encoded_path() != "/") || url.has_query() ||
        url.has_fragment()) {
        return invalid("must be http://[USER:PASSWORD@]HOST[:PORT]");
    }
    ProxyServer server;
    server.host = url.host_type() == boost::urls::host_type::ipv6
                      ? std::string(url.host_address())
                      : boost::algorithm::to_lower_copy(url.encoded_host().decode());
    if (url.has_port()) {
        const auto port = parse_port(url.port());
        if (!port)
            return invalid("has an invalid port");
        server.port = *port;
    }
    if (url.has_userinfo()) {
        server.username = url.user();
        server.password = url.password();
    }
    return server;
}

std::vector<NoProxyRule> parse_no_proxy(std::string_view text) {
    std::vector<NoProxyRule> rules;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        const std::string entry = boost::algorithm::to_lower_copy(
            boost::algorithm::trim_copy(std::string(text.substr(start, comma - start))));
        start = comma + 1;
        if (entry.empty())
            continue;
        NoProxyRule rule;
        if (entry == "*") {
            rule.kind = NoProxyRule::Kind::everything;
            return {rule};
        }
        if (const auto network = parse_cidr(entry)) {
            rule.kind = NoProxyRule::Kind::network;
            rule.ip = network->first;
            rule.prefix = network->second;
            rules.push_back(rule);
            continue;
        }
        auto [host, port_text] = split_host_port(entry);
        if (!port_text.empty()) {
            const auto port = parse_port(port_text);
            if (!port)
                continue;  // a port that never matches
            rule.port = port;
        }
        if (host.empty())
            continue;
        if (const auto address = parse_ip(host)) {
            rule.kind = NoProxyRule::Kind::address;
            rule.ip = *address;
            rules.push_back(rule);
            continue;
        }
        std::string domain = normalized_host(host);
        if (domain.starts_with("*."))
            domain.erase(0, 1);
        rule.kind = NoProxyRule::Kind::domain;
        // Go's rule: "example.com" covers the host and its subdomains, ".example.com" only
        // the subdomains.
        rule.exact_host_too = !domain.starts_with('.');
        rule.domain = rule.exact_host_too ? "." + domain : domain;
        if (rule.domain == ".")
            continue;
        rules.push_back(rule);
    }
    return rules;
}

bool bypasses_proxy(const std::vector<NoProxyRule>& rules, std::string_view host,
                    std::uint16_t port) {
    const std::string name = normalized_host(host);
    const auto address = parse_ip(name);
    return std::any_of(rules.begin(), rules.end(), [&](const NoProxyRule& rule) {
        return rule_matches(rule, name, address, port);
    });
}

bool is_loopback_host(std::string_view host) {
    const std::string name = normalized_host(host);
    if (name == "localhost")
        return true;
    const auto address = parse_ip(name);
    return address && address->is_loopback();
}

std::optional<ProxyServer> select_proxy(const ProxyRules& rules, const Origin& origin) {
    const auto& server = origin.scheme == "https" ? rules.https : rules.http;
    if (!server)
        return std::nullopt;
    if (!rules.proxy_loopback && is_loopback_host(origin.host))
        return std::nullopt;
    if (bypasses_proxy(rules.no_proxy, origin.host, origin.port))
        return std::nullopt;
    return server;
}

Expected<ProxyRules> proxy_rules_from_environment(const EnvironmentLookup& lookup) {
    ProxyRules rules;
    const std::pair<const char*, const char*> names[] = {{"http_proxy", "HTTP_PROXY"},
                                                         {"https_proxy", "HTTPS_PROXY"}};
    for (const auto& [lower, upper] : names) {
        const auto variable = first_set(lookup, lower, upper);
        if (variable.value == nullptr)
            continue;
        auto server = parse_proxy_url(variable.value);
        if (!server) {
            return with_context(server.error(),
                                std::string("environment variable ") + variable.name);
        }
        (std::string_view(lower) == "http_proxy" ? rules.http : rules.https) = std::move(*server);
    }
    if (const auto no_proxy = first_set(lookup, "no_proxy", "NO_PROXY"); no_proxy.value) {
        rules.no_proxy = parse_no_proxy(no_proxy.value);
    }
    return rules;
}

Expected<ProxyRules> parse_proxy_choice(std::string_view text) {
    ProxyRules rules;
    if (text == "none")
        return rules;
    auto server = parse_proxy_url(text);
    if (!server)
        return server.error();
    rules.http = *server;
    rules.https = std::move(*server);
    rules.proxy_loopback = true;
    return rules;
}

}  // namespace regmigrate::transport
