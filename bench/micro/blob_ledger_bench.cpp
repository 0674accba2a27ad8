// Blob-ledger contention: every worker on every thread asks the one ledger about every
// blob of every image, under one mutex. Threads here call claim() and finished() in a
// tight loop, as a run does when most blobs are already known (shared base layers).
#include "engine/copy/blob_ledger.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using regmigrate::engine::BlobLedger;

constexpr std::size_t digests = 1024;  // distinct blobs in the working set
constexpr std::size_t repos = 16;      // repositories each thread writes into

std::vector<std::string> make_digests() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < digests; ++i) {
        const std::string n = std::to_string(i);
        out.push_back("sha256:" + std::string(64 - n.size(), 'a') + n);
    }
    return out;
}

const std::vector<std::string>& all_digests() {
    static const std::vector<std::string> value = make_digests();
    return value;
}

std::unique_ptr<BlobLedger> ledger;

void fresh_ledger(const benchmark::State&) {
    ledger = std::make_unique<BlobLedger>();
}
void drop_ledger(const benchmark::State&) {
    ledger.reset();
}

void BM_BlobLedgerClaim(benchmark::State& state) {
    const auto& names = all_digests();
    std::vector<std::string> own_repos;
    for (std::size_t r = 0; r < repos; ++r) {
        own_repos.push_back("t" + std::to_string(state.thread_index()) + "/repo-" +
                            std::to_string(r));
    }
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    for (auto _ : state) {
        const std::string& digest = names[i % digests];
        const std::string& repo = own_repos[(i / digests) % repos];
        const auto decision = ledger->claim("registry:5000", digest, repo);
        if (decision.action != BlobLedger::Action::present &&
            decision.action != BlobLedger::Action::wait) {
            ledger->finished("registry:5000", digest, repo);
        }
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlobLedgerClaim)
    ->Setup(fresh_ledger)
    ->Teardown(drop_ledger)
    ->Threads(1)
    ->Threads(2)
    ->Threads(4)
    ->Threads(8)
    ->UseRealTime();

}  // namespace
