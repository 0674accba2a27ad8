#include "transport/tls/tls_session_cache.hpp"

namespace regmigrate::transport {

namespace {

// What a connection was attached with; owned by its SSL, freed with it. The cache is weak:
// a connection may outlive the pool that opened it.
struct Attachment {
    std::weak_ptr<TlsSessionCache> cache;
    std::string key;
};

void free_attachment(void*, void* attachment, CRYPTO_EX_DATA*, int, long, void*) {
    delete static_cast<Attachment*>(attachment);
}

int attachment_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_attachment);
    return index;
}

// The cache keeps a copy: OpenSSL marks the connection's own session not resumable when
// the connection is freed without a close_notify sent, as pooled connections are.
// Returns 0: OpenSSL keeps its reference.
int on_new_session(SSL* ssl, SSL_SESSION* session) {
    const auto* attachment = static_cast<Attachment*>(SSL_get_ex_data(ssl, attachment_index()));
    if (!attachment || !SSL_SESSION_is_resumable(session))
        return 0;
    const auto cache = attachment->cache.lock();
    if (!cache)
        return 0;
    if (SSL_SESSION* copy = SSL_SESSION_dup(session))
        cache->keep(attachment->key, copy);
    return 0;
}

}  // namespace

void TlsSessionCache::enable_on(SSL_CTX* ctx) {
    // Client side, and none of OpenSSL's own store: sessions are looked up by our key.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
}

void TlsSessionCache::attach(SSL* ssl, const std::string& key) {
    const int index = attachment_index();
    delete static_cast<Attachment*>(SSL_get_ex_data(ssl, index));
    SSL_set_ex_data(ssl, index, new Attachment{weak_from_this(), key});
    std::lock_guard lock(mutex_);
    if (const auto found = sessions_.find(key); found != sessions_.end())
        SSL_set_session(ssl, found->second.get());  // takes a reference of its own
}

void TlsSessionCache::keep(const std::string& key, SSL_SESSION* session) {
    std::lock_guard lock(mutex_);
    sessions_[key].reset(session);
}

void TlsSessionCache::forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    sessions_.erase(key);
}

std::size_t TlsSessionCache::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace regmigrate::transport
