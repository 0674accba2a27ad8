#include "registry/auth/cleartext_credentials.hpp"

#include "transport/http/connection.hpp"
#include "transport/http/proxy_selection.hpp"
#include "transport/log.hpp"

#include <mutex>
#include <set>
#include <string>

namespace regmigrate::registry {

bool is_loopback_host(boost::urls::url_view url) {
    if (url.host_type() == boost::urls::host_type::name)
        return transport::is_loopback_host(std::string_view(url.encoded_host()));
    return transport::is_loopback_host(url.host_address());
}

CleartextCredentials cleartext_credentials(boost::urls::url_view url, bool allowed_by_user,
                                           bool proxied) {
    if (url.scheme_id() == boost::urls::scheme::https || (!proxied && is_loopback_host(url))) {
        return CleartextCredentials::allowed;
    }
    return allowed_by_user ? CleartextCredentials::allowed_by_user : CleartextCredentials::refused;
}

Expected<void> permit_cleartext_credentials(boost::urls::url_view url, bool allowed_by_user,
                                            std::string_view whose,
                                            const transport::ProxyRules& proxy) {
    const std::string origin =
        std::string(url.scheme()) + "://" + std::string(url.encoded_host_and_port());
    const auto target = transport::origin_of(url);
    const bool proxied = !target || transport::select_proxy(proxy, *target).has_value();
    switch (cleartext_credentials(url, allowed_by_user, proxied)) {
        case CleartextCredentials::allowed:
            return {};
        case CleartextCredentials::refused:
            return make_error(
                ErrorKind::unauthorized,
                "refusing to send credentials for " + std::string(whose) + " to " + origin +
                    " over plain HTTP (not a loopback address reached directly); use TLS, or pass "
                    "--allow-plain-http-credentials to send them anyway");
        case CleartextCredentials::allowed_by_user:
            break;
    }
    static std::mutex mutex;
    static std::set<std::string> warned;
    std::lock_guard lock(mutex);
    if (warned.insert(origin).second) {
        log(LogLevel::warn, "sending credentials over plain HTTP: anyone on the path can read them",
            {{"origin", origin}, {"credentials_for", std::string(whose)}});
    }
    return {};
}

}  // namespace regmigrate::registry
