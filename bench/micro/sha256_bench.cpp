// Streaming SHA-256 throughput: every blob byte we copy passes through it.
#include "registry/content/sha256.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using regmigrate::registry::Sha256;

// One 64 MiB blob fed in chunks of the given size, as the copier's buffer would.
void BM_Sha256Stream(benchmark::State& state) {
    const auto chunk_size = static_cast<std::size_t>(state.range(0));
    const std::string chunk(chunk_size, 'x');
    constexpr std::size_t blob_size = 64 << 20;
    for (auto _ : state) {
        Sha256 hasher;
        for (std::size_t done = 0; done < blob_size; done += chunk_size) {
            hasher.update(chunk);
        }
        benchmark::DoNotOptimize(hasher.finish_hex());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * blob_size));
}
BENCHMARK(BM_Sha256Stream)
    ->Arg(16 << 10)
    ->Arg(256 << 10)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond);

// Small documents (manifests, configs) hashed whole: set-up cost dominates.
void BM_Sha256SmallDocument(benchmark::State& state) {
    const std::string document(static_cast<std::size_t>(state.range(0)), '{');
    for (auto _ : state) {
        benchmark::DoNotOptimize(regmigrate::registry::sha256_digest(document));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * document.size()));
}
BENCHMARK(BM_Sha256SmallDocument)->Arg(512)->Arg(4 << 10);

}  // namespace
