// --shard: every repository of the plan is hashed once by every shard process, so the
// hash must cost nothing next to listing the repository.
#include "engine/plan/shard.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {

using regmigrate::engine::Shard;

std::vector<std::string> repository_names() {
    std::vector<std::string> names;
    for (int i = 0; i < 10000; ++i) {
        names.push_back("mirror/team-" + std::to_string(i % 97) + "/service-" + std::to_string(i));
    }
    return names;
}

// Items are repositories: how many a shard can sort into "mine or not" per second.
void BM_ShardOwns(benchmark::State& state) {
    const auto names = repository_names();
    const Shard shard{0, static_cast<std::size_t>(state.range(0))};
    for (auto _ : state) {
        std::size_t owned = 0;
        for (const auto& name : names)
            owned += shard.owns(name);
        benchmark::DoNotOptimize(owned);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * names.size()));
}
BENCHMARK(BM_ShardOwns)->Arg(4)->Arg(64);

}  // namespace
