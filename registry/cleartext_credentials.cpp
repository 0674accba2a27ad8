#include "registry/cleartext_credentials.hpp"

#include "transport/log.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/grammar/ci_string.hpp>

#include <mutex>
#include <set>
#include <string>

namespace regmigrate::registry {

bool is_loopback_host(boost::urls::url_view url) {
    boost::system::error_code ec;
    switch (url.host_type()) {
        case boost::urls::host_type::name:
            return boost::urls::grammar::ci_is_equal(url.encoded_host(), "localhost");
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::ipv6: {
            const auto address = boost::asio::ip::make_address(std::string(url.host_address()), ec);
            if (ec)
                return false;
            if (address.is_v6() && address.to_v6().is_v4_mapped()) {
                return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
                    .is_loopback();
            }
            return address.is_loopback();
        }
        default:
            return false;
    }
}

CleartextCredentials cleartext_credentials(boost::urls::url_view url, bool allowed_by_user) {
    if (url.scheme_id() == boost::urls::scheme::https || is_loopback_host(url)) {
        return CleartextCredentials::allowed;
    }
    return allowed_by_user ? CleartextCredentials::allowed_by_user : CleartextCredentials::refused;
}

Expected<void> permit_cleartext_credentials(boost::urls::url_view url, bool allowed_by_user,
                                            std::string_view whose) {
    const std::string origin =
        std::string(url.scheme()) + "://" + std::string(url.encoded_host_and_port());
    switch (cleartext_credentials(url, allowed_by_user)) {
        case CleartextCredentials::allowed:
            return {};
        case CleartextCredentials::refused:
            return make_error(ErrorKind::unauthorized,
                              "refusing to send credentials for " + std::string(whose) + " to " +
                                  origin +
                                  " over plain HTTP (not a loopback address); use TLS, or pass "
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
