#include "engine/copy/blob_ledger.hpp"

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

std::string BlobLedger::key(const std::string& registry, const std::string& digest) {
    return registry + '\n' + digest;
}

BlobLedger::Entry& BlobLedger::entry(const std::string& wanted) {
    if (auto found = recent_.find(wanted); found != recent_.end())
        return found->second;
    // Node handles keep the entry where it is: waiters added to its list stay valid.
    if (auto node = older_.extract(wanted))
        return recent_.insert(std::move(node)).position->second;
    if (recent_.size() >= generation_) {
        // Blobs in flight have owners and waiters who will report back: they stay.
        for (auto next = older_.begin(); next != older_.end();) {
            const Entry& old = next->second;
            const auto here = next++;
            if (old.uploading || !old.mounting.empty() || old.waiters.size() > 0)
                recent_.insert(older_.extract(here));
        }
        older_.clear();
        older_.swap(recent_);
    }
    return recent_[wanted];
}

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

void erase(std::vector<std::string>& list, const std::string& value) {
    list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

// Repositories remembered per blob: a base layer in every repository of a large fleet would
// otherwise hold every repository's name. Forgetting that a repository has the blob costs
// one mount into it (idempotent), never a wrong result; the newest are kept, since tags
// arrive repository by repository.
constexpr std::size_t repositories_per_blob = 8;

void remember(std::vector<std::string>& repos, const std::string& repo) {
    if (contains(repos, repo))
        return;
    if (repos.size() >= repositories_per_blob)
        repos.erase(repos.begin());
    repos.push_back(repo);
}

}  // namespace

BlobLedger::Decision BlobLedger::claim(const std::string& registry, const std::string& digest,
                                       const std::string& repo) {
    std::lock_guard lock(mutex_);
    return decide(entry(key(registry, digest)), registry, repo);
}

BlobLedger::Decision BlobLedger::decide(Entry& entry, const std::string& registry,
                                        const std::string& repo) {
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
    // The owner's finished() or abandoned() wakes the waiters; its wait is bounded by the
    // copier's own transfer timeouts, after which the blob is one or the other.
    const std::string wanted = key(registry, digest);
    co_return co_await await_answer<Decision>(
        mutex_,
        [&]() -> Look<Decision> {
            Entry& found = entry(wanted);
            auto decision = decide(found, registry, repo);
            if (decision.action == Action::wait)
                return &found.waiters;
            return decision;
        },
        single_flight_recheck);
}

void BlobLedger::set_listener(FinishedListener listener) {
    listener_ = std::move(listener);
}

template <class Change>
void BlobLedger::update(const std::string& registry, const std::string& digest, Change change) {
    WaiterList woken;
    {
        std::lock_guard lock(mutex_);
        Entry& changed = entry(key(registry, digest));
        change(changed);
        woken = changed.waiters.take();
    }
    std::move(woken).wake_all();
}

void BlobLedger::seed(const std::string& registry, const std::string& digest,
                      const std::string& repo) {
    update(registry, digest, [&](Entry& entry) { remember(entry.repos, repo); });
}

void BlobLedger::finished(const std::string& registry, const std::string& digest,
                          const std::string& repo) {
    update(registry, digest, [&](Entry& entry) {
        entry.uploading = false;
        erase(entry.mounting, repo);
        remember(entry.repos, repo);
    });
    if (listener_)
        listener_(registry, digest, repo);
}

void BlobLedger::abandoned(const std::string& registry, const std::string& digest,
                           const std::string& repo) {
    update(registry, digest, [&](Entry& entry) {
        entry.uploading = false;
        erase(entry.mounting, repo);
    });
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
    return recent_.size() + older_.size();
}

}  // namespace regmigrate::engine
