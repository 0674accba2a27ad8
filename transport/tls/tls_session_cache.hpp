// TLS sessions kept per origin so that later connections to it resume them: a resumed
// handshake skips the certificate exchange and its verification, one round trip less on
// TLS 1.2 and much less CPU on both ends. A session is offered only to the origin (and
// proxy) it was received from, through the same pool and so the same TLS context (trust,
// client certificate): never to another origin.
//
// TLS 1.3 sends its tickets after the handshake, with the first answer: OpenSSL hands them
// to the context's new-session callback, which files them here under the key the
// connection was attached with. The latest session of a key is offered to each new
// connection (servers that issue reusable tickets, as Go's and OpenSSL's do by default,
// resume all of them).
#pragma once

#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace regmigrate::transport {

class TlsSessionCache : public std::enable_shared_from_this<TlsSessionCache> {
  public:
    // Makes the connections of ctx report the sessions they receive (to the cache each was
    // attached to; unattached ones keep nothing). Called on every context we build.
    static void enable_on(SSL_CTX* ctx);

    // Before ssl's handshake: offers the session last kept for key, and files the sessions
    // ssl receives under key.
    void attach(SSL* ssl, const std::string& key);
    // Keeps session (taking over the caller's reference) as key's latest.
    void keep(const std::string& key, SSL_SESSION* session);
    // The handshake of a connection to key failed: its session is not offered again.
    void forget(const std::string& key);
    std::size_t size() const;

  private:
    struct FreeSession {
        void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
    };
    mutable std::mutex mutex_;  // the callback runs on whichever thread reads the connection
    std::map<std::string, std::unique_ptr<SSL_SESSION, FreeSession>> sessions_;
};

}  // namespace regmigrate::transport
