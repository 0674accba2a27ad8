#include "engine/plan/sync_plan.hpp"

#include "registry/name/reference.hpp"

#include <algorithm>

#include <boost/algorithm/string/predicate.hpp>

namespace regmigrate::engine {

namespace {

constexpr std::string_view library_prefix = "library/";

// A rewrite source matches whole path components: "team" and "team/" both match
// "team/app", neither matches "teamster/app".
bool rewrite_matches(std::string_view from, std::string_view repo) {
    if (!repo.starts_with(from))
        return false;
    return repo.size() == from.size() || from.ends_with('/') || repo[from.size()] == '/';
}

Error invalid(std::string message) {
    return make_error(ErrorKind::invalid_argument, std::move(message));
}

}  // namespace

bool SyncPair::source_is_docker_hub() const {
    return !hub_api.empty() || registry::is_docker_hub(source.host);
}

std::string SyncPair::source_repository(std::string_view repo) const {
    return registry::normalize_repository(
        source_is_docker_hub() ? registry::docker_hub_host : source.host, repo);
}

bool SyncPair::selects_repository(std::string_view source_repo) const {
    const auto canonical = source_repository(source_repo);
    if (!repositories.empty() &&
        std::none_of(repositories.begin(), repositories.end(),
                     [&](const std::string& r) { return source_repository(r) == canonical; })) {
        return false;
    }
    const bool hub = source_is_docker_hub();
    if (hub && !hub_organization.empty() && !canonical.starts_with(hub_organization + "/")) {
        return false;
    }
    std::string short_name;
    if (hub && canonical.starts_with(library_prefix)) {
        short_name = canonical.substr(library_prefix.size());
    }
    // Any of `regexes` accepts the canonical or the short name; none given accepts all.
    const auto any_accepts = [&](const std::vector<boost::regex>& regexes, auto accepts) {
        return regexes.empty() ||
               std::any_of(regexes.begin(), regexes.end(), [&](const boost::regex& regex) {
                   return accepts(canonical, regex) ||
                          (!short_name.empty() && accepts(short_name, regex));
               });
    };
    return any_accepts(repository_patterns,
                       [](const std::string& name, const boost::regex& regex) {
                           return boost::regex_match(name, regex);
                       }) &&
           any_accepts(repository_searches, [](const std::string& name, const boost::regex& regex) {
               return boost::regex_search(name, regex);
           });
}

std::string SyncPair::destination_repository(std::string_view source_repo) const {
    auto name = source_repository(source_repo);
    const auto rewrite = std::find_if(rewrites.begin(), rewrites.end(), [&](const auto& rule) {
        return rewrite_matches(rule.first, name);
    });
    if (rewrite != rewrites.end()) {
        name = rewrite->second + name.substr(rewrite->first.size());
    } else if (!library_namespace && source_is_docker_hub() && name.starts_with(library_prefix)) {
        name.erase(0, library_prefix.size());
    }
    return prefix.empty() ? name : prefix + "/" + name;
}

bool same_registry(std::string_view host_a, std::string_view host_b) {
    return boost::algorithm::iequals(registry::normalize_registry_host(host_a),
                                     registry::normalize_registry_host(host_b));
}

bool is_valid_platform(std::string_view platform) {
    const auto parts = std::count(platform.begin(), platform.end(), '/') + 1;
    return (parts == 2 || parts == 3) && !platform.starts_with('/') && !platform.ends_with('/') &&
           platform.find("//") == std::string_view::npos;
}

Expected<void> validate_pair(const SyncPair& pair) {
    if (pair.source.host.empty())
        return invalid("the source host is empty");
    if (pair.destination.host.empty())
        return invalid("the destination host is empty");
    if (!pair.hub_organization.empty() && !registry::is_valid_repository(pair.hub_organization)) {
        return invalid("Docker Hub organization \"" + pair.hub_organization +
                       "\" is not a valid namespace");
    }
    if (!pair.prefix.empty() && !registry::is_valid_repository(pair.prefix)) {
        return invalid("prefix \"" + pair.prefix + "\" is not a valid repository namespace");
    }
    for (const auto& [from, to] : pair.rewrites) {
        if (from.empty())
            return invalid("a rewrite has an empty source prefix");
    }
    for (const auto& repo : pair.repositories) {
        if (!registry::is_valid_repository(pair.source_repository(repo))) {
            return invalid("repository \"" + repo + "\" is not a valid repository name");
        }
        const auto destination = pair.destination_repository(repo);
        if (!registry::is_valid_repository(destination)) {
            return invalid("repository \"" + repo + "\" maps to \"" + destination +
                           "\", which is not a valid repository name");
        }
    }
    for (const auto& tag : pair.tags.exact) {
        if (!registry::is_valid_tag(tag))
            return invalid("tag \"" + tag + "\" is not a valid tag");
    }
    if (pair.platform && !is_valid_platform(*pair.platform)) {
        return invalid("platform \"" + *pair.platform + "\" is not OS/ARCH[/VARIANT]");
    }
    if (same_registry(pair.source.host, pair.destination.host) && pair.prefix.empty() &&
        pair.rewrites.empty()) {
        return invalid("source and destination are both " + pair.source.host +
                       " with no prefix or rewrite: every image would be copied onto itself");
    }
    return {};
}

Expected<void> validate_plan(const SyncPlan& plan) {
    if (plan.pairs.empty())
        return invalid("the plan has no sync entries");
    for (std::size_t i = 0; i < plan.pairs.size(); ++i) {
        if (auto valid = validate_pair(plan.pairs[i]); !valid) {
            return with_context(valid.error(), "sync[" + std::to_string(i) + "]");
        }
    }
    return {};
}

}  // namespace regmigrate::engine
