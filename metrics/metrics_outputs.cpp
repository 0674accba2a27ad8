#include "metrics/metrics_outputs.hpp"

#include "transport/base64.hpp"

#include <openssl/evp.h>
#include <prometheus/gateway.h>
#include <boost/url/grammar/charset.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

namespace regmigrate::metrics {

namespace {

Error invalid(std::string message) {
    return make_error(ErrorKind::invalid_argument, std::move(message));
}

bool is_plain_segment(std::string_view s) {
    return !s.empty() &&
           boost::urls::grammar::find_if_not(s.data(), s.data() + s.size(),
                                             boost::urls::unreserved_chars) == s.data() + s.size();
}

}  // namespace

Expected<PushgatewayTarget> parse_pushgateway_url(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return invalid("pushgateway URL is not a URL");
    }
    boost::urls::url u(*parsed);
    u.remove_userinfo();
    const std::string display = std::string(u.buffer());
    const std::string scheme = std::string(parsed->scheme());
    if (scheme != "http" && scheme != "https") {
        return invalid("pushgateway URL '" + display + "' must be http or https");
    }
    if (parsed->host().empty()) {
        return invalid("pushgateway URL '" + display + "' has no host");
    }
    if (parsed->has_query() || parsed->has_fragment()) {
        return invalid("pushgateway URL '" + display + "' must not have a query or fragment");
    }
    PushgatewayTarget t;
    t.display = display;
    t.host = scheme + "://" + std::string(parsed->encoded_host());
    if (parsed->has_port() && !parsed->port().empty()) {
        t.port = std::string(parsed->port());
    } else {
        t.port = scheme == "https" ? "443" : "80";
    }
    // prometheus::Gateway builds "<host>:<port>/metrics/job/...", so a route prefix
    // (pushgateway --web.route-prefix) can only ride along after the port.
    std::string prefix = std::string(parsed->encoded_path());
    while (!prefix.empty() && prefix.back() == '/') {
        prefix.pop_back();
    }
    t.port += prefix;
    t.username = std::string(parsed->user());
    t.password = std::string(parsed->password());
    return t;
}

std::pair<std::string, std::string> encode_grouping_label(std::string_view name,
                                                          std::string_view value) {
    if (is_plain_segment(value)) {
        return {std::string(name), std::string(value)};
    }
    // The pushgateway spells an empty value as a lone "=" in base64 form.
    return {std::string(name) + "@base64",
            value.empty() ? "=" : base64url_encode(value, /*padded=*/true)};
}

Expected<void> push_to_gateway(const Metrics& metrics, const std::string& url,
                               const std::string& job,
                               std::map<std::string, std::string> grouping) {
    auto target = parse_pushgateway_url(url);
    if (!target) {
        return target.error();
    }
    // The job sits in the path unencoded (prometheus::Gateway does not escape it).
    if (!is_plain_segment(job)) {
        return invalid("pushgateway job name '" + job +
                       "' must be non-empty letters, digits, '-', '.', '_' or '~'");
    }
    prometheus::Labels labels;
    for (const auto& [name, value] : grouping) {
        labels.insert(encode_grouping_label(name, value));
    }
    prometheus::Gateway gateway(target->host, target->port, job, labels, target->username,
                                target->password);
    gateway.RegisterCollectable(metrics.registry());
    // prometheus-cpp's PushAdd() is the HTTP PUT (its Push() is POST): PUT replaces every
    // metric under the grouping key, so series from an earlier run cannot linger.
    const int status = gateway.PushAdd();
    if (status < 0) {
        return make_error(ErrorKind::network, "pushing metrics to '" + target->display +
                                                  "' failed (curl error " +
                                                  std::to_string(-status) + ")");
    }
    if (status < 200 || status > 299) {
        return make_error(
            ErrorKind::http,
            "pushing metrics to '" + target->display + "' returned HTTP " + std::to_string(status),
            status);
    }
    return {};
}

}  // namespace regmigrate::metrics
