// Plan files are user input: malformed YAML must come back as an error naming the file,
// and an accepted plan must pass the same validation the CLI flags go through.
#include "engine/plan/plan_yaml.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <stdlib.h>

#include <filesystem>
#include <string>

using regmigrate::fuzz::require;
using namespace regmigrate::engine;

namespace {

constexpr std::string_view origin = "FUZZ.yaml";

}  // namespace

// Registries without credentials look them up in docker's config: point it at an empty
// directory so a developer's config.json (and its credential helpers) stay out of the run.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const auto empty = std::filesystem::temp_directory_path() / "regmigrate-fuzz-docker-config";
    std::filesystem::create_directories(empty);
    ::setenv("DOCKER_CONFIG", empty.c_str(), 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto plan = parse_plan_yaml(regmigrate::fuzz::as_text(data, size), origin);
    if (!plan) {
        require(plan.error().kind == regmigrate::ErrorKind::invalid_argument,
                "plan errors are invalid_argument");
        require(plan.error().message.starts_with(origin), "plan errors name the file");
        return 0;
    }
    require(!plan->pairs.empty(), "an accepted plan has a sync pair");
    require(validate_plan(*plan).has_value(), "an accepted plan passes validate_plan");
    return 0;
}
