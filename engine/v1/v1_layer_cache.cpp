#include "engine/v1/v1_layer_cache.hpp"

#include "engine/copy/blob_ledger.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace regmigrate::engine {

namespace asio = boost::asio;

std::string V1LayerCache::key(const std::string& source, const std::string& image_id) {
    return source + "\n" + image_id;
}

std::optional<registry::V1LayerDigests> V1LayerCache::try_acquire(const std::string& key,
                                                                  bool& claimed) {
    std::lock_guard lock(mutex_);
    if (const auto found = known_.find(key); found != known_.end())
        return found->second;
    claimed = measuring_.insert(key).second;
    return std::nullopt;
}

asio::awaitable<std::optional<registry::V1LayerDigests>> V1LayerCache::acquire(
    const std::string& source, const std::string& image_id) {
    const std::string wanted = key(source, image_id);
    for (;;) {
        bool claimed = false;
        if (auto digests = try_acquire(wanted, claimed))
            co_return digests;
        if (claimed)
            co_return std::nullopt;
        asio::steady_timer timer(co_await asio::this_coro::executor, ledger_poll_interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void V1LayerCache::store(const std::string& source, const std::string& image_id,
                         registry::V1LayerDigests digests) {
    std::lock_guard lock(mutex_);
    const std::string stored = key(source, image_id);
    measuring_.erase(stored);
    known_[stored] = std::move(digests);
}

void V1LayerCache::abandon(const std::string& source, const std::string& image_id) {
    std::lock_guard lock(mutex_);
    measuring_.erase(key(source, image_id));
}

std::size_t V1LayerCache::known_layers() const {
    std::lock_guard lock(mutex_);
    return known_.size();
}

}  // namespace regmigrate::engine
