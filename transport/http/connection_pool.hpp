// Keep-alive connections per origin, with a bound on how many are open to each.
#pragma once

#include "transport/async/loop_signal.hpp"
#include "transport/http/connection.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace regmigrate::transport {

// TLS per origin: the registry's own origin gets its configured context (client certificate,
// verification as its mode says); every other origin a server sends us to (token realm,
// redirect target) is verified and gets no client certificate.
struct OriginTls {
    std::shared_ptr<boost::asio::ssl::context> home;
    bool verify_home = true;
    std::shared_ptr<boost::asio::ssl::context> other;
    std::optional<Origin> home_origin;  // nullopt: every origin is home (single-origin clients)

    bool is_home(const Origin& origin) const;
};

// Called once per connection opened, with how its TLS (if any) was set up.
using ConnectionOpened = std::function<void(TlsHandshake handshake)>;

// Not thread-safe: a pool belongs to one HttpClient, used from one single-threaded executor.
// Its TLS connections to one origin resume each other's sessions (see TlsSessionCache).
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
  public:
    ConnectionPool(boost::asio::any_io_executor executor, OriginTls tls, Timeouts timeouts,
                   std::size_t max_per_origin, ProxyRules proxy = {},
                   ConnectionOpened on_opened = {});

    // An idle live connection to origin (through the proxy the rules pick for it), or a new
    // one; waits while the origin is at its bound.
    // fresh: skip idle connections (used to retry after a stale one failed).
    boost::asio::awaitable<Expected<std::unique_ptr<Connection>>> acquire(const Origin& origin,
                                                                          bool fresh = false);

    // Returns a connection: kept for reuse when it finished its message cleanly, else closed.
    void release(std::unique_ptr<Connection> connection);

    std::size_t open_connections(const Origin& origin) const;

  private:
    struct OriginSlots {
        explicit OriginSlots(boost::asio::any_io_executor executor);
        std::deque<std::unique_ptr<Connection>> idle;
        std::size_t open = 0;   // idle + leased
        LoopSignal slot_freed;  // release() wakes one waiter
    };
    OriginSlots& slots_for(const std::string& key);

    boost::asio::any_io_executor executor_;
    OriginTls tls_;
    Timeouts timeouts_;
    std::size_t max_per_origin_;
    ProxyRules proxy_;
    ConnectionOpened on_opened_;
    std::shared_ptr<TlsSessionCache> sessions_;
    std::map<std::string, std::unique_ptr<OriginSlots>> origins_;
};

}  // namespace regmigrate::transport
