// Image reference parsing: every CLI argument, plan entry and report line goes through it,
// and a 10,000-repository plan parses tens of thousands of them.
#include "registry/name/reference.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

namespace {

// Short Docker Hub names (normalized to docker.io/library/...), a private registry with a
// port and namespace, and a digest-pinned reference.
constexpr std::array<std::string_view, 4> references = {
    "nginx",
    "registry.example.com:5000/team/service/api:v1.24.3-alpine",
    "ghcr.io/org/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "localhost/fleet/app-0042:v0007",
};

void BM_ParseReference(benchmark::State& state) {
    const std::string_view text = references[static_cast<std::size_t>(state.range(0))];
    for (auto _ : state) {
        benchmark::DoNotOptimize(regmigrate::registry::parse_reference(text));
    }
    state.SetLabel(std::string(text.substr(0, 40)));
}
BENCHMARK(BM_ParseReference)->DenseRange(0, references.size() - 1);

}  // namespace
