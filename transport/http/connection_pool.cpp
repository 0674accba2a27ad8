#include "transport/http/connection_pool.hpp"

#include "transport/tls/tls_session_cache.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace regmigrate::transport {

namespace asio = boost::asio;

ConnectionPool::OriginSlots::OriginSlots(asio::any_io_executor executor)
    : slot_freed(std::move(executor)) {}

bool OriginTls::is_home(const Origin& origin) const {
    return !home_origin ||
           (home_origin->scheme == origin.scheme && home_origin->port == origin.port &&
            boost::iequals(home_origin->host, origin.host));
}

ConnectionPool::ConnectionPool(asio::any_io_executor executor, OriginTls tls, Timeouts timeouts,
                               std::size_t max_per_origin, ProxyRules proxy,
                               ConnectionOpened on_opened)
    : executor_(std::move(executor)),
      tls_(std::move(tls)),
      timeouts_(timeouts),
      max_per_origin_(max_per_origin == 0 ? 1 : max_per_origin),
      proxy_(std::move(proxy)),
      on_opened_(std::move(on_opened)),
      sessions_(std::make_shared<TlsSessionCache>()) {}

ConnectionPool::OriginSlots& ConnectionPool::slots_for(const std::string& key) {
    auto& slot = origins_[key];
    if (!slot)
        slot = std::make_unique<OriginSlots>(executor_);
    return *slot;
}

asio::awaitable<Expected<std::unique_ptr<Connection>>> ConnectionPool::acquire(const Origin& origin,
                                                                               bool fresh) {
    auto self = shared_from_this();  // waiters keep the pool alive
    const auto proxy = select_proxy(proxy_, origin);
    OriginSlots& slots = slots_for(connection_key(origin, proxy));
    for (;;) {
        while (!fresh && !slots.idle.empty()) {
            auto connection = std::move(slots.idle.front());
            slots.idle.pop_front();
            if (!connection->closed_by_peer())
                co_return std::move(connection);
            --slots.open;  // the server hung up while it sat idle
        }
        if (fresh && !slots.idle.empty() && slots.open >= max_per_origin_) {
            slots.idle.pop_front();  // make room for the fresh connection
            --slots.open;
        }
        if (slots.open < max_per_origin_)
            break;
        co_await slots.slot_freed.wait();
    }
    ++slots.open;
    const bool home = tls_.is_home(origin);
    auto opened = co_await Connection::open(executor_, origin, home ? tls_.home : tls_.other,
                                            home ? tls_.verify_home : true, timeouts_, proxy,
                                            sessions_.get());
    if (!opened) {
        --slots.open;
        slots.slot_freed.notify_one();
    } else if (on_opened_) {
        on_opened_((*opened)->handshake());
    }
    co_return opened;
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
    if (!connection)
        return;
    OriginSlots& slots = slots_for(connection->key());
    if (connection->reusable()) {
        connection->park();
        slots.idle.push_back(std::move(connection));
    } else {
        --slots.open;
    }
    slots.slot_freed.notify_one();
}

std::size_t ConnectionPool::open_connections(const Origin& origin) const {
    auto it = origins_.find(connection_key(origin, select_proxy(proxy_, origin)));
    return it == origins_.end() ? 0 : it->second->open;
}

}  // namespace regmigrate::transport
