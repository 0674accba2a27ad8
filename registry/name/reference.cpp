#include "registry/name/reference.hpp"

#include "registry/content/digest.hpp"
#include "registry/distribution/registry_error.hpp"

#include <boost/url/grammar/ci_string.hpp>

#include <algorithm>

namespace regmigrate::registry {

namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

using boost::urls::grammar::to_lower;

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), to_lower);
    return out;
}

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool is_valid_path_component(std::string_view component) {
    std::size_t i = 0;
    const auto n = component.size();
    auto alnum_run = [&] {
        const auto start = i;
        while (i < n && is_lower_alnum(component[i])) {
            ++i;
        }
        return i > start;
    };
    if (!alnum_run()) {
        return false;
    }
    while (i < n) {
        const char c = component[i];
        if (c == '.') {
            ++i;
        } else if (c == '_') {
            ++i;
            if (i < n && component[i] == '_') {
                ++i;
            }
        } else if (c == '-') {
            while (i < n && component[i] == '-') {
                ++i;
            }
        } else {
            return false;
        }
        if (!alnum_run()) {
            return false;
        }
    }
    return true;
}

// domain-component := [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool is_valid_domain_component(std::string_view component) {
    return !component.empty() && is_alnum(component.front()) && is_alnum(component.back()) &&
           std::all_of(component.begin(), component.end(),
                       [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_valid_ipv6_literal(std::string_view inner) {
    return !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
        return is_digit(c) || (to_lower(c) >= 'a' && to_lower(c) <= 'f') || c == ':' || c == '.';
    });
}

bool is_valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
        return false;
    }
    const int value = std::stoi(std::string(port));
    return value > 0 && value <= 65535;
}

// host[:port] where host is a domain name, an IPv4 address or a bracketed IPv6 address.
bool is_valid_host(std::string_view host) {
    std::string_view name = host;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos || !is_valid_ipv6_literal(host.substr(1, close - 1))) {
            return false;
        }
        const auto rest = host.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return false;
            }
            port = rest.substr(1);
            if (!is_valid_port(port)) {
                return false;
            }
        }
        return true;
    }
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
        name = host.substr(0, colon);
        port = host.substr(colon + 1);
        if (!is_valid_port(port)) {
            return false;
        }
    }
    if (name.empty()) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        if (!is_valid_domain_component(name.substr(start, dot - start))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

bool is_host_component(std::string_view component) {
    return component.find_first_of(".:") != std::string_view::npos || component == "localhost";
}

Error invalid(std::string_view text, std::string_view why) {
    return make_error(
        ErrorKind::invalid_argument,
        "invalid reference " + quote_for_message(text, 300) + ": " + std::string(why));
}

// Explains why a repository path fails the grammar, most specific fault first.
std::string repository_fault(std::string_view repository) {
    if (repository.empty()) {
        return "repository name is empty";
    }
    if (repository.size() > max_name_length) {
        return "repository name longer than " + std::to_string(max_name_length) + " characters";
    }
    if (is_valid_repository(lowercase(repository))) {
        return "repository name must be lowercase";
    }
    std::size_t start = 0;
    while (true) {
        const auto slash = repository.find('/', start);
        const auto component = repository.substr(start, slash - start);
        if (component.empty()) {
            return "repository name has an empty path component";
        }
        if (component == "." || component == "..") {
            return "repository name has a relative path component " +
                   quote_for_message(component, 100);
        }
        if (!is_valid_path_component(component)) {
            return "invalid repository path component " + quote_for_message(component, 100);
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return "invalid repository name";
}

}  // namespace

std::string Reference::to_string() const {
    std::string out = registry + "/" + repository;
    if (!tag.empty()) {
        out += ":" + tag;
    }
    if (!digest.empty()) {
        out += "@" + digest;
    }
    return out;
}

std::string Reference::identifier() const {
    return digest.empty() ? tag : digest;
}

std::string normalize_registry_host(std::string_view host) {
    using boost::urls::grammar::ci_is_equal;
    if (ci_is_equal(host, "docker.io") || ci_is_equal(host, "index.docker.io")) {
        return std::string(docker_hub_host);
    }
    return std::string(host);
}

bool is_docker_hub(std::string_view registry_host) {
    return boost::urls::grammar::ci_is_equal(normalize_registry_host(registry_host),
                                             docker_hub_host);
}

std::string normalize_repository(std::string_view registry_host, std::string_view repo,
                                 bool library_namespace) {
    if (library_namespace && is_docker_hub(registry_host) &&
        repo.find('/') == std::string_view::npos) {
        return "library/" + std::string(repo);
    }
    return std::string(repo);
}

bool is_valid_repository(std::string_view repository) {
    if (repository.empty() || repository.size() > max_name_length) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        const auto slash = repository.find('/', start);
        if (!is_valid_path_component(repository.substr(start, slash - start))) {
            return false;
        }
        if (slash == std::string_view::npos) {
            return true;
        }
        start = slash + 1;
    }
}

bool is_valid_tag(std::string_view tag) {
    auto word = [](char c) { return is_alnum(c) || c == '_'; };
    return !tag.empty() && tag.size() <= 128 && word(tag.front()) &&
           std::all_of(tag.begin() + 1, tag.end(),
                       [&](char c) { return word(c) || c == '.' || c == '-'; });
}

Expected<void> check_tag(std::string_view tag, std::string_view source) {
    if (is_valid_tag(tag))
        return {};
    return make_error(ErrorKind::invalid_argument,
                      std::string(source) + ": invalid tag " + quote_for_message(tag, 150));
}

Expected<void> check_repository(std::string_view repository, std::string_view source) {
    if (is_valid_repository(repository))
        return {};
    return make_error(ErrorKind::invalid_argument,
                      std::string(source) + ": " + repository_fault(repository));
}

Expected<Reference> parse_reference(std::string_view text) {
    if (text.empty()) {
        return invalid(text, "reference is empty");
    }
    Reference ref;
    std::string_view name = text;
    if (const auto at = text.find('@'); at != std::string_view::npos) {
        ref.digest = std::string(text.substr(at + 1));
        name = text.substr(0, at);
        if (!is_valid_digest(ref.digest)) {
            return invalid(text, "invalid digest " + quote_for_message(ref.digest, 150));
        }
    }
    // A ':' after the last '/' starts the tag; earlier ones belong to host:port.
    const auto last_slash = name.rfind('/');
    const auto tag_colon = name.rfind(':');
    if (tag_colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || tag_colon > last_slash)) {
        ref.tag = std::string(name.substr(tag_colon + 1));
        name = name.substr(0, tag_colon);
        if (!is_valid_tag(ref.tag)) {
            return invalid(text, "invalid tag " + quote_for_message(ref.tag, 150));
        }
    }
    if (name.size() > max_name_length) {
        return invalid(text, "name longer than " + std::to_string(max_name_length) + " characters");
    }
    std::string_view host = "docker.io";
    std::string_view repository = name;
    if (const auto slash = name.find('/');
        slash != std::string_view::npos && is_host_component(name.substr(0, slash))) {
        host = name.substr(0, slash);
        repository = name.substr(slash + 1);
        if (!is_valid_host(host)) {
            return invalid(text, "invalid registry host " + quote_for_message(host, 150));
        }
    }
    if (!is_valid_repository(repository)) {
        return invalid(text, repository_fault(repository));
    }
    ref.registry = lowercase(normalize_registry_host(host));
    ref.repository = normalize_repository(ref.registry, repository);
    if (ref.repository.size() > max_name_length) {
        return invalid(
            text, "repository name longer than " + std::to_string(max_name_length) + " characters");
    }
    // Docker Hub names grow when normalised: hold the canonical name to the same limit, or
    // to_string() would print a reference this parser refuses.
    if (ref.registry.size() + 1 + ref.repository.size() > max_name_length) {
        return invalid(text, "name longer than " + std::to_string(max_name_length) +
                                 " characters once normalised to " + ref.registry + "/" +
                                 quote_for_message(ref.repository, 40));
    }
    return ref;
}

}  // namespace regmigrate::registry
