// What `regmigrate sync` / `verify` do: pairs of registries, which repositories and tags
// move between them, and under which destination names.
#pragma once

#include "engine/plan/recency_filter.hpp"
#include "engine/plan/registry_side.hpp"
#include "engine/plan/schema1_mode.hpp"
#include "engine/plan/shard.hpp"
#include "engine/plan/tag_selector.hpp"
#include "engine/referrers/referrer_finder.hpp"
#include "transport/error.hpp"

#include <boost/regex.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regmigrate::engine {

struct SyncPair {
    RegistrySide source;
    RegistrySide destination;
    std::vector<std::string> repositories;          // explicit list: no catalog listing needed
    std::vector<boost::regex> repository_patterns;  // full match; several = any; none = all
    // Unanchored (regex_search, like grep); several = any; none = all. Both kinds given:
    // a repository must satisfy each.
    std::vector<boost::regex> repository_searches;
    // Docker Hub source: only this organization's repositories ("org/..."); empty = any.
    std::string hub_organization;
    // Hub's listing API base URL (empty: https://hub.docker.com). Set, it also marks the
    // source as Docker Hub whatever its host: a mirror or test stand-in of Hub.
    std::string hub_api;
    TagSelector tags;
    RecencyFilter recency;  // --newer-than, --keep-last / `newer_than:`, `keep_last:`
    std::string prefix;     // destination namespace: "mirror" → mirror/<source repo>
    // Source repository prefix → destination prefix; first match wins, applied before prefix.
    std::vector<std::pair<std::string, std::string>> rewrites;
    bool library_namespace = true;        // Docker Hub source: keep "library/" in destination names
    std::optional<std::string> platform;  // OS/ARCH[/VARIANT]
    ReferrerOptions referrers;            // --referrers / `referrers: true`
    Schema1Mode schema1 = Schema1Mode::automatic;  // --schema1 / `schema1:`
    // Blobs of one image moved at once (`image_parallelism:`); unset: --image-parallelism.
    std::optional<std::size_t> image_parallelism;
    // sync --prune / `prune: true`: destination tags the filters select and the source no
    // longer serves are deleted (engine/prune/prune_phase.hpp).
    bool prune = false;

    // Docker Hub by its host or by hub_api: names official images as library/NAME.
    bool source_is_docker_hub() const;
    // The name the source registry serves repo under: on Docker Hub "nginx" is
    // "library/nginx"; elsewhere repo unchanged.
    std::string source_repository(std::string_view repo) const;
    // In the explicit list (if any), matching a pattern and a search (if any), and in the Hub
    // organization (if any). On Docker Hub a pattern or search may match either "nginx" or
    // "library/nginx".
    bool selects_repository(std::string_view source_repo) const;
    // source_repository, then the first matching rewrite; without one, a Docker Hub
    // "library/x" becomes "x" unless library_namespace; then "prefix/" in front.
    std::string destination_repository(std::string_view source_repo) const;
};

struct SyncPlan {
    std::vector<SyncPair> pairs;
    // --shard I/N: only the destination repositories this shard owns (default: all).
    Shard shard;
};

// The same registry under either spelling: docker.io and registry-1.docker.io, any case.
bool same_registry(std::string_view host_a, std::string_view host_b);

// "os/arch" or "os/arch/variant", each part non-empty.
bool is_valid_platform(std::string_view platform);

// One pair: hosts set, explicit repositories and tags valid, their destination names valid,
// prefix a valid namespace, rewrite sources non-empty, platform well formed, and not a copy
// of every repository onto itself.
Expected<void> validate_pair(const SyncPair& pair);
// Every pair, errors prefixed with "sync[I]"; a plan needs at least one pair.
Expected<void> validate_plan(const SyncPlan& plan);

}  // namespace regmigrate::engine
