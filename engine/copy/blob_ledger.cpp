#include "engine/copy/blob_ledger.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

std::string BlobLedger::key(const std::string& registry, const std::string& digest) {
    return registry + '\n' + digest;
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

void erase(std::vector<std::string>& list, const std::string& value) {
    list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

}  // namespace

BlobLedger::Decision BlobLedger::claim(const std::string& registry, const std::string& digest,
                                       const std::string& repo) {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[key(registry, digest)];
    if (contains(entry.repos, repo))
        return {Action::present, {}};
    // Mounts are single flight per repository too: two tags of one repository must not
    // both mount the same layer.
    if (contains(entry.mounting, repo))
        return {Action::wait, {}};
    const bool can_mount = !no_mount_registries_.contains(registry);
    if (!entry.repos.empty() && can_mount) {
        entry.mounting.push_back(repo);
        return {Action::mount, entry.repos.front()};
    }
    if (entry.uploading)
        return {Action::wait, {}};
    entry.uploading = true;
    return {Action::upload, {}};
}

asio::awaitable<BlobLedger::Decision> BlobLedger::acquire(const std::string& registry,
                                                          const std::string& digest,
                                                          const std::string& repo) {
    // Polling keeps the ledger free of cross-thread wake-up plumbing; the wait is bounded by
    // the copier's own transfer timeouts, after which the blob is abandoned or finished.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        auto decision = claim(registry, digest, repo);
        if (decision.action != Action::wait)
            co_return decision;
        timer.expires_after(ledger_poll_interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void BlobLedger::set_listener(FinishedListener listener) {
    listener_ = std::move(listener);
}

void BlobLedger::seed(const std::string& registry, const std::string& digest,
                      const std::string& repo) {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[key(registry, digest)];
    if (!contains(entry.repos, repo))
        entry.repos.push_back(repo);
}

void BlobLedger::finished(const std::string& registry, const std::string& digest,
                          const std::string& repo) {
    {
        std::lock_guard lock(mutex_);
        Entry& entry = entries_[key(registry, digest)];
        entry.uploading = false;
        erase(entry.mounting, repo);
        if (!contains(entry.repos, repo))
            entry.repos.push_back(repo);
    }
    if (listener_)
        listener_(registry, digest, repo);
}

void BlobLedger::abandoned(const std::string& registry, const std::string& digest,
                           const std::string& repo) {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[key(registry, digest)];
    entry.uploading = false;
    erase(entry.mounting, repo);
}

Expected<void> BlobLedger::settle(const std::string& registry, const std::string& digest,
                                  const std::string& repo, Expected<void> result) {
    if (result) {
        finished(registry, digest, repo);
    } else {
        abandoned(registry, digest, repo);
    }
    return result;
}

void BlobLedger::refuse_mounts(const std::string& registry) {
    std::lock_guard lock(mutex_);
    no_mount_registries_.insert(registry);
}

bool BlobLedger::mounts_refused(const std::string& registry) const {
    std::lock_guard lock(mutex_);
    return no_mount_registries_.contains(registry);
}

std::size_t BlobLedger::known_blobs() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace regmigrate::engine
