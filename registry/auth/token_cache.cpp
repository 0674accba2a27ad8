#include "registry/auth/token_cache.hpp"

#include <algorithm>

namespace regmigrate::registry {

TokenCache::TokenCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

const std::string* TokenCache::find(const std::string& key, Clock::time_point now) const {
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.renew_at <= now)
        return nullptr;
    return &found->second.header;
}

void TokenCache::insert(const std::string& key, std::string header, Clock::time_point renew_at,
                        Clock::time_point now) {
    if (!entries_.contains(key) && entries_.size() >= capacity_) {
        std::erase_if(entries_, [now](const auto& entry) { return entry.second.renew_at <= now; });
        if (entries_.size() >= capacity_) {
            const auto soonest = std::min_element(
                entries_.begin(), entries_.end(),
                [](const auto& a, const auto& b) { return a.second.renew_at < b.second.renew_at; });
            entries_.erase(soonest);
        }
    }
    entries_[key] = Entry{std::move(header), renew_at};
}

}  // namespace regmigrate::registry
