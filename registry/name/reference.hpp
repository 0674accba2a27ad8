// Image references: the docker reference grammar, checked against the distribution spec.
#pragma once

#include "transport/error.hpp"

#include <string>
#include <string_view>

namespace regmigrate::registry {

struct Reference {
    std::string registry;    // connection host[:port], lowercased; Docker Hub aliases normalised
    std::string repository;  // e.g. "library/nginx"
    std::string tag;         // empty when not given: callers decide what that means
    std::string digest;      // empty or a valid digest

    std::string to_string() const;   // registry/repository[:tag][@digest]
    std::string identifier() const;  // digest if set, else tag
};

inline constexpr std::string_view docker_hub_host = "registry-1.docker.io";
inline constexpr std::size_t max_name_length = 255;

// HOST[:PORT]/REPO[:TAG][@DIGEST]. The first component is a host if it contains '.' or
// ':' or is "localhost"; otherwise the reference is on Docker Hub.
Expected<Reference> parse_reference(std::string_view text);

// docker.io and index.docker.io → registry-1.docker.io (the API host); others unchanged.
std::string normalize_registry_host(std::string_view host);
bool is_docker_hub(std::string_view registry_host);

// Docker Hub's official images live under library/: "nginx" → "library/nginx" there.
std::string normalize_repository(std::string_view registry_host, std::string_view repo,
                                 bool library_namespace = true);

// OCI: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*, ≤ 255.
bool is_valid_repository(std::string_view repository);
// [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
bool is_valid_tag(std::string_view tag);

// The one check for a tag or repository name read from outside: a command line, a plan
// file, a registry's catalog or tag list, a v1 registry, a layout's index.json. The error
// names `source` and quotes the name safely (it may hold anything, even '%' or control
// characters, which must never reach a URL).
Expected<void> check_tag(std::string_view tag, std::string_view source);
Expected<void> check_repository(std::string_view repository, std::string_view source);

}  // namespace regmigrate::registry
