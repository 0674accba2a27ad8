// Manifest parsing cost for the shapes a migration meets: images with few or many layers
// and multi-platform indexes.
#include "registry/types/manifest.hpp"
#include "registry/types/media_types.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

namespace registry = regmigrate::registry;

std::string hex_digest(std::size_t n) {
    std::string hex = std::to_string(n);
    return "sha256:" + std::string(64 - hex.size(), '0') + hex;
}

std::string descriptor(std::string_view media_type, std::size_t n, std::string_view extra = "") {
    return R"({"mediaType":")" + std::string(media_type) + R"(","digest":")" + hex_digest(n) +
           R"(","size":)" + std::to_string(1000 + n) + std::string(extra) + "}";
}

std::string image_manifest(std::size_t layers) {
    std::string out = R"({"schemaVersion":2,"mediaType":")" +
                      std::string(registry::media_type::oci_manifest) + R"(","config":)" +
                      descriptor(registry::media_type::oci_config, 0) + R"(,"layers":[)";
    for (std::size_t i = 1; i <= layers; ++i) {
        out += (i > 1 ? "," : "") + descriptor(registry::media_type::oci_layer_gzip, i);
    }
    return out + "]}";
}

std::string index_manifest(std::size_t children) {
    std::string out = R"({"schemaVersion":2,"mediaType":")" +
                      std::string(registry::media_type::oci_index) + R"(","manifests":[)";
    for (std::size_t i = 1; i <= children; ++i) {
        out += (i > 1 ? "," : "") +
               descriptor(registry::media_type::oci_manifest, i,
                          R"(,"platform":{"os":"linux","architecture":"arm64","variant":"v8"})");
    }
    return out + "]}";
}

void BM_ParseImageManifest(benchmark::State& state) {
    const auto bytes = image_manifest(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto manifest = registry::parse_manifest(bytes, registry::media_type::oci_manifest);
        benchmark::DoNotOptimize(manifest);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParseImageManifest)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

void BM_ParseIndex(benchmark::State& state) {
    const auto bytes = index_manifest(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto manifest = registry::parse_manifest(bytes, registry::media_type::oci_index);
        benchmark::DoNotOptimize(manifest);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParseIndex)->Arg(2)->Arg(16);

}  // namespace
