// fleetgen: fills a registry with a deterministic synthetic fleet and prints a summary,
// either pushing over HTTP (--registry) or writing a stopped registry's storage
// directory directly (--storage-dir); the same seed gives the same digests either way.
#include "tools/fleet/fleet.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
    using namespace regmigrate::fleet;
    CLI::App app{"Fill a registry with a deterministic synthetic fleet of images."};
    FleetSpec spec;
    WriterOptions writer;
    std::filesystem::path storage_dir;
    unsigned jobs = 4;
    bool list = false;
    auto* target = app.add_option_group("target", "Where the fleet goes (exactly one)");
    target->add_option("--registry", writer.registry,
                       "Push to this registry HOST:PORT (plain HTTP)");
    auto* storage_option = target->add_option(
        "--storage-dir", storage_dir,
        "Write into this docker-registry filesystem storage root instead (registry stopped)");
    target->require_option(1);
    app.add_option("--repos", spec.repositories, "Number of repositories")->capture_default_str();
    app.add_option("--tags", spec.tags, "Tags per repository")->capture_default_str();
    app.add_option("--base-layers", spec.base_layers, "Base layers shared by every image")
        ->capture_default_str();
    app.add_option("--base-size", spec.base_layer_size, "Bytes per base layer")
        ->capture_default_str();
    app.add_option("--unique-size", spec.unique_layer_size,
                   "Bytes of each of an image's own layers")
        ->capture_default_str();
    app.add_option("--unique-layers", spec.unique_layers, "Own layers per image and platform")
        ->capture_default_str();
    app.add_option("--multiarch-share", spec.multiarch_share,
                   "Share of images pushed as a linux/amd64+arm64 index")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--oci-share", spec.oci_share, "Share of images with OCI media types")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app.add_option("--seed", spec.seed, "Seed: same seed, same digests")->capture_default_str();
    app.add_option("--prefix", spec.prefix, "Repository namespace")->capture_default_str();
    app.add_option("--jobs", jobs, "Parallel writer threads")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--user", writer.username, "Basic auth user");
    app.add_option("--password", writer.password, "Basic auth password");
    app.add_flag("--list", list, "Also print every REPO:TAG DIGEST");
    CLI11_PARSE(app, argc, argv);

    const auto started = std::chrono::steady_clock::now();
    auto summary = storage_option->count() > 0 ? store_fleet(spec, storage_dir, jobs)
                                               : push_fleet(spec, writer, jobs);
    if (!summary) {
        std::cerr << "fleetgen: " << summary.error().message << "\n";
        return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (list) {
        for (const auto& image : summary->tagged) {
            std::cout << image.repository << ":" << image.tag << " " << image.digest << "\n";
        }
    }
    std::printf(
        "images %zu\nmanifests %zu\nunique_blobs %zu\nunique_blob_bytes %llu\nseconds %.2f\n",
        summary->images, summary->manifests, summary->unique_blobs,
        static_cast<unsigned long long>(summary->unique_blob_bytes), seconds);
    return 0;
}
