// Which blobs each destination registry already holds, in which repositories, and which
// are being copied right now. It is what makes a blob cross the network at most once per
// destination registry in a run: later repositories mount it, concurrent ones wait, woken
// when the blob's flight settles (engine/copy/single_flight.hpp).
//
// Its memory is bounded, not one entry per blob of the run (a million tags would hold
// millions): entries live in two generations of `generation` blobs each. A blob claimed or
// settled moves to the newer one; when the newer is full, the older is forgotten (except blobs
// in flight) and the newer becomes the older. A forgotten blob is one not touched during the
// last `generation` new blobs: a later image needing it asks the registry (HEAD) or uploads it
// again instead of mounting it, which costs bytes, never correctness (uploads are idempotent).
// Layers shared by many images are touched often and stay.
#pragma once

#include "engine/copy/single_flight.hpp"
#include "transport/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace regmigrate::engine {

class BlobLedger {
  public:
    // At most 2 × 4096 entries, about 2.5 MiB: filled within the first 4,000 or so tags.
    static constexpr std::size_t default_generation = 4096;
    explicit BlobLedger(std::size_t generation = default_generation)
        : generation_(std::max<std::size_t>(generation, 1)) {}

    enum class Action {
        upload,   // nobody has it: this caller copies it (and must report finished/abandoned)
        mount,    // another repository of the registry has it: mount from `from_repo`
                  // (and report finished/abandoned)
        present,  // this repository already has it
        wait,     // another caller is uploading it, or mounting it into this repository
    };
    struct Decision {
        Action action;
        std::string from_repo;
    };

    // Thread-safe, never blocks: decides for one blob going into registry/repo.
    Decision claim(const std::string& registry, const std::string& digest, const std::string& repo);
    // Like claim(), but waits while another caller copies the blob (single flight): woken
    // when that caller reports finished or abandoned, from whichever thread.
    boost::asio::awaitable<Decision> acquire(const std::string& registry, const std::string& digest,
                                             const std::string& repo);

    // Told of every blob finished() records (the resume journal listens). Set before use;
    // called outside the lock, from whichever thread finished the blob.
    using FinishedListener = std::function<void(
        const std::string& registry, const std::string& digest, const std::string& repo)>;
    void set_listener(FinishedListener listener);
    // Known to exist in repo from an earlier run: claim() answers present (or mount, for
    // another repository) without asking the registry. The listener is not told.
    void seed(const std::string& registry, const std::string& digest, const std::string& repo);

    // The blob now exists in repo (uploaded, mounted, or found there).
    void finished(const std::string& registry, const std::string& digest, const std::string& repo);
    // The upload or mount this caller claimed for repo failed; the next claim decides anew.
    void abandoned(const std::string& registry, const std::string& digest, const std::string& repo);

    // The owner of a blob's flight reports its outcome: finished when result holds a value,
    // else abandoned. Returns result.
    Expected<void> settle(const std::string& registry, const std::string& digest,
                          const std::string& repo, Expected<void> result);
    // A registry that answered a mount with 202 does not mount: upload there instead.
    void refuse_mounts(const std::string& registry);
    bool mounts_refused(const std::string& registry) const;

    // Blobs remembered now (at most about two generations).
    std::size_t known_blobs() const;

  private:
    struct Entry {
        bool uploading = false;
        std::vector<std::string> repos;     // where the blob is known to exist
        std::vector<std::string> mounting;  // repositories a mount is under way into
        WaiterList waiters;                 // acquire() calls told to wait, woken on any change
    };
    static std::string key(const std::string& registry, const std::string& digest);
    // The blob's entry, created or moved into the newer generation; under mutex_.
    Entry& entry(const std::string& key);
    // claim() on an entry, under mutex_.
    Decision decide(Entry& entry, const std::string& registry, const std::string& repo);
    // Applies change to the blob's entry under mutex_, then wakes the blob's waiters: any
    // change may be the one they wait for.
    template <class Change>
    void update(const std::string& registry, const std::string& digest, Change change);

    mutable std::mutex mutex_;
    std::size_t generation_;
    std::unordered_map<std::string, Entry> recent_;  // the newer generation
    std::unordered_map<std::string, Entry> older_;
    std::set<std::string> no_mount_registries_;
    FinishedListener listener_;
};

}  // namespace regmigrate::engine
