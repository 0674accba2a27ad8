// The bearer tokens one Authenticator holds, by scope. Bounded: a run over a hundred
// thousand repositories asks for a token per repository (pull at the source; pull and push
// at the destination), each a kilobyte or so of JWT, and each is due for renewal minutes
// later. Inserting into a full cache first drops the tokens that are due, then, when none
// is, the one due soonest. Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace regmigrate::registry {

class TokenCache {
  public:
    using Clock = std::chrono::steady_clock;
    // Far more than the scopes a client's images in flight use at once.
    static constexpr std::size_t default_capacity = 256;

    explicit TokenCache(std::size_t capacity = default_capacity);

    // The Authorization header cached for key, while it is not due for renewal.
    const std::string* find(const std::string& key, Clock::time_point now) const;
    // Caches header for key until renew_at (replacing what key held).
    void insert(const std::string& key, std::string header, Clock::time_point renew_at,
                Clock::time_point now);
    void erase(const std::string& key) { entries_.erase(key); }
    void clear() { entries_.clear(); }
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::string header;
        Clock::time_point renew_at;
    };
    std::size_t capacity_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace regmigrate::registry
