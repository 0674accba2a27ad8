#include "engine/plan/plan_yaml.hpp"

#include "engine/plan/certs_dir.hpp"
#include "registry/auth/credential_resolution.hpp"
#include "registry/ecr/ecr_api.hpp"
#include "registry/hub/hub_listing.hpp"
#include "registry/name/reference.hpp"

#include <yaml-cpp/yaml.h>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>

namespace regmigrate::engine {

namespace {

// Unwraps an Expected into `var`, returning its error from the enclosing function.
#define PLAN_TRY(var, expr)          \
    auto var##_result = (expr);      \
    if (!var##_result)               \
        return var##_result.error(); \
    auto var = std::move(*var##_result)

// Where a message points: "PLAN.yaml line 7" (1-based; yaml-cpp counts from 0).
class Locator {
  public:
    explicit Locator(std::string_view origin) : origin_(origin) {}

    std::string at(const YAML::Mark& mark) const {
        std::string where(origin_);
        if (mark.is_null())
            return where;
        if (!where.empty())
            where += ' ';
        return where + "line " + std::to_string(mark.line + 1);
    }
    Error fail(const YAML::Mark& mark, const std::string& message) const {
        return make_error(ErrorKind::invalid_argument, at(mark) + ": " + message);
    }

  private:
    std::string_view origin_;
};

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

struct Item {
    std::string text;
    YAML::Mark mark;
};

// One mapping of the document whose keys are checked against what it may hold, read key by
// key. Errors about a value point at its key's line: that is where people look.
class Section {
  public:
    static Expected<Section> read(const Locator& at, const YAML::Node& node, std::string path,
                                  std::initializer_list<std::string_view> allowed) {
        Section section(at, std::move(path));
        if (!node.IsMap())
            return at.fail(node.Mark(),
                           (section.path_.empty() ? section.name() : in_quotes(section.path_)) +
                               " must be a map");
        for (const auto& entry : node) {
            const auto mark = entry.first.Mark();
            if (!entry.first.IsScalar()) {
                return at.fail(mark, "keys of " + section.name() + " must be strings");
            }
            const auto& key = entry.first.Scalar();
            const bool known = allowed.size() == 0 ||
                               std::find(allowed.begin(), allowed.end(), key) != allowed.end();
            if (!known)
                return at.fail(mark, "unknown key " + in_quotes(key) + " in " + section.name());
            if (section.find(key)) {
                return at.fail(mark, "duplicate key " + in_quotes(key) + " in " + section.name());
            }
            section.entries_.push_back({key, mark, entry.second});
        }
        return section;
    }

    struct Entry {
        std::string key;
        YAML::Mark mark;
        YAML::Node value;
    };
    const std::vector<Entry>& entries() const { return entries_; }
    const Entry* find(std::string_view key) const {
        const auto it = std::find_if(entries_.begin(), entries_.end(),
                                     [&](const Entry& e) { return e.key == key; });
        return it == entries_.end() ? nullptr : &*it;
    }
    std::string key_path(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    // The top level has the empty path.
    std::string name() const { return path_.empty() ? "the plan" : path_; }

    Error fail(const Entry& entry, const std::string& message) const {
        return at_.fail(entry.mark, in_quotes(key_path(entry.key)) + " " + message);
    }
    Error fail(std::string_view key, const std::string& message) const {
        if (const auto* entry = find(key))
            return fail(*entry, message);
        return at_.fail(YAML::Mark::null_mark(), in_quotes(key_path(key)) + " " + message);
    }
    Error missing(std::string_view key, const YAML::Mark& section_mark) const {
        return at_.fail(section_mark, name() + " needs " + in_quotes(key));
    }

    Expected<std::optional<std::string>> text(std::string_view key) const {
        const auto* entry = find(key);
        if (!entry)
            return std::optional<std::string>{};
        if (!entry->value.IsScalar())
            return fail(*entry, "must be a scalar");
        return std::optional<std::string>{entry->value.Scalar()};
    }
    Expected<std::optional<std::uint64_t>> number(std::string_view key) const {
        PLAN_TRY(value, text(key));
        if (!value)
            return std::optional<std::uint64_t>{};
        std::uint64_t result = 0;
        const auto* last = value->data() + value->size();
        const auto [end, ec] = std::from_chars(value->data(), last, result);
        if (value->empty() || ec != std::errc{} || end != last) {
            return fail(key, "must be a non-negative integer");
        }
        return std::optional<std::uint64_t>{result};
    }
    Expected<std::optional<bool>> boolean(std::string_view key) const {
        PLAN_TRY(value, text(key));
        if (!value)
            return std::optional<bool>{};
        bool result = false;
        if (!YAML::convert<bool>::decode(find(key)->value, result)) {
            return fail(key, "must be true or false");
        }
        return std::optional<bool>{result};
    }
    // A list of strings; a single string too when scalar_allowed.
    Expected<std::vector<Item>> list(std::string_view key, bool scalar_allowed) const {
        const auto* entry = find(key);
        if (!entry)
            return std::vector<Item>{};
        if (scalar_allowed && entry->value.IsScalar()) {
            return std::vector<Item>{{entry->value.Scalar(), entry->mark}};
        }
        if (!entry->value.IsSequence())
            return fail(*entry, "must be a list");
        std::vector<Item> items;
        for (const auto& element : entry->value) {
            if (!element.IsScalar())
                return fail(*entry, "must be a list of strings");
            const auto mark = element.Mark().is_null() ? entry->mark : element.Mark();
            items.push_back({element.Scalar(), mark});
        }
        return items;
    }
    const Locator& locator() const { return at_; }

  private:
    Section(const Locator& at, std::string path) : at_(at), path_(std::move(path)) {}

    const Locator& at_;
    std::string path_;
    std::vector<Entry> entries_;
};

// The docker rule for telling a registry host from a name: a '.' or ':' or "localhost".
bool looks_like_host(std::string_view text) {
    return text.find_first_of(".:") != std::string_view::npos || text == "localhost";
}

// HOST[:PORT] without scheme, user or path; lowercased, Docker Hub aliases normalised.
std::optional<std::string> parse_host(std::string_view text) {
    if (text.empty() || text.find('/') != std::string_view::npos)
        return std::nullopt;
    const auto authority = boost::urls::parse_authority(text);
    if (!authority || authority->has_userinfo() || authority->host().empty())
        return std::nullopt;
    if (authority->has_port() && (authority->port().empty() || authority->port_number() == 0)) {
        return std::nullopt;
    }
    std::string host(text);
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return registry::normalize_registry_host(host);
}

// Sets target from an optional string key, leaving it as is when the key is absent.
Expected<void> assign(const Section& s, std::string_view key, std::string& target) {
    PLAN_TRY(value, s.text(key));
    if (value)
        target = std::move(*value);
    return {};
}

Expected<void> read_credentials(const Section& s, registry::Credentials& credentials) {
    if (auto r = assign(s, "username", credentials.username); !r)
        return r;
    const auto* password = s.find("password");
    const auto* password_env = s.find("password_env");
    if (password && password_env) {
        return s.fail(*password_env, "cannot be given together with \"password\"");
    }
    if (password) {
        if (!password->value.IsScalar())
            return s.fail(*password, "must be a scalar");
        credentials.password = password->value.Scalar();
    }
    if (password_env) {
        PLAN_TRY(variable, s.text("password_env"));
        const char* value = std::getenv(variable->c_str());
        if (value == nullptr || *value == '\0') {
            return s.fail(*password_env, "names environment variable " + in_quotes(*variable) +
                                             ", which is not set");
        }
        credentials.password = value;
    }
    if (!credentials.password.empty() && credentials.username.empty()) {
        return s.fail(password ? *password : *password_env, "needs \"username\"");
    }
    return {};
}

Expected<void> read_tls(const Section& s, const std::string& host, transport::TlsOptions& tls) {
    PLAN_TRY(mode, s.text("tls"));
    tls.mode = transport::TlsMode::automatic;  // docker's default, resolved when connecting
    if (mode) {
        const auto parsed = transport::parse_tls_mode(*mode);
        if (!parsed)
            return s.fail("tls", "must be one of enabled, insecure, disabled");
        tls.mode = *parsed;
    }
    for (const auto& [key, field] :
         {std::pair{"ca_file", &tls.ca_file}, std::pair{"ca_dir", &tls.ca_dir},
          std::pair{"client_cert", &tls.client_cert}, std::pair{"client_key", &tls.client_key}}) {
        if (auto r = assign(s, key, *field); !r)
            return r;
    }
    if (tls.client_cert.empty() != tls.client_key.empty()) {
        return s.fail(
            tls.client_cert.empty() ? "client_key" : "client_cert",
            "needs " + std::string(tls.client_cert.empty() ? "\"client_cert\"" : "\"client_key\""));
    }
    PLAN_TRY(certs_dir, s.text("certs_dir"));
    if (certs_dir) {
        auto applied = apply_certs_dir(tls, *certs_dir, host);
        if (!applied)
            return s.fail("certs_dir", applied.error().message);
        tls = std::move(*applied);
    }
    return {};
}

// registries.NAME.ecr: the registry is Amazon ECR (its host need not look like one).
Expected<EcrSettings> read_ecr(const Section& registry_section, const Section::Entry& entry) {
    PLAN_TRY(
        s, Section::read(registry_section.locator(), entry.value, registry_section.key_path("ecr"),
                         {"endpoint", "region", "create_repositories"}));
    EcrSettings ecr;
    if (auto r = assign(s, "endpoint", ecr.endpoint); !r)
        return r.error();
    if (auto r = assign(s, "region", ecr.region); !r)
        return r.error();
    const auto* create = s.find("create_repositories");
    if (!create)
        return ecr;
    PLAN_TRY(c, Section::read(s.locator(), create->value, s.key_path("create_repositories"),
                              {"tag_mutability", "scan_on_push", "encryption", "kms_key"}));
    auto& settings = ecr.create_repositories;
    PLAN_TRY(mutability, c.text("tag_mutability"));
    settings.image_tag_mutability = mutability;
    PLAN_TRY(scan_on_push, c.boolean("scan_on_push"));
    settings.scan_on_push = scan_on_push;
    PLAN_TRY(encryption, c.text("encryption"));
    settings.encryption_type = encryption;
    PLAN_TRY(kms_key, c.text("kms_key"));
    settings.kms_key = kms_key;
    if (auto valid = registry::validate_repository_settings(settings); !valid)
        return s.fail(*create, valid.error().message);
    return ecr;
}

Expected<RegistrySide> read_registry(const Locator& at, const std::string& name,
                                     const YAML::Node& node, const YAML::Mark& name_mark) {
    PLAN_TRY(s, Section::read(
                    at, node, "registries." + name,
                    {"host", "tls", "username", "password", "password_env", "ca_file", "ca_dir",
                     "client_cert", "client_key", "certs_dir", "chunk_size", "max_connections",
                     "timeout_ms", "ecr", "proxy", "allow_plain_http_credentials"}));
    RegistrySide side;
    PLAN_TRY(host_text, s.text("host"));
    if (!host_text)
        return s.missing("host", name_mark);
    const auto host = parse_host(*host_text);
    if (!host)
        return s.fail("host", "must be HOST[:PORT], got " + in_quotes(*host_text));
    side.host = *host;
    if (auto r = read_tls(s, side.host, side.tls); !r)
        return r.error();
    if (auto r = read_credentials(s, side.credentials); !r)
        return r.error();
    PLAN_TRY(credentials, registry::resolve_credentials(side.credentials, "", side.host));
    side.credentials = std::move(credentials);
    PLAN_TRY(chunk_size, s.number("chunk_size"));
    if (chunk_size)
        side.registry.chunk_size = *chunk_size;
    PLAN_TRY(plain_http, s.boolean("allow_plain_http_credentials"));
    if (plain_http)
        side.registry.allow_plain_http_credentials = *plain_http;
    PLAN_TRY(max_connections, s.number("max_connections"));
    if (max_connections) {
        if (*max_connections == 0)
            return s.fail("max_connections", "must be at least 1");
        side.max_connections = *max_connections;
    }
    PLAN_TRY(timeout_ms, s.number("timeout_ms"));
    if (timeout_ms) {
        // One bound for every wait: a registry that accepts and never answers ends in time.
        if (*timeout_ms == 0)
            return s.fail("timeout_ms", "must be at least 1");
        const std::chrono::milliseconds timeout(*timeout_ms);
        side.timeouts = {timeout, timeout, timeout};
    }
    PLAN_TRY(proxy, s.text("proxy"));
    if (proxy) {
        auto rules = transport::parse_proxy_choice(*proxy);
        if (!rules)
            return s.fail("proxy", "must be none or http://[USER:PASSWORD@]HOST[:PORT]: " +
                                       rules.error().message);
        side.proxy = std::move(*rules);
    }
    if (const auto* ecr = s.find("ecr")) {
        PLAN_TRY(settings, read_ecr(s, *ecr));
        side.ecr = std::move(settings);
    }
    return side;
}

using Registries = std::map<std::string, RegistrySide, std::less<>>;

Expected<Registries> read_registries(const Locator& at, const YAML::Node& node) {
    Registries registries;
    PLAN_TRY(s, Section::read(at, node, "registries", {}));
    for (const auto& entry : s.entries()) {
        PLAN_TRY(side, read_registry(at, entry.key, entry.value, entry.mark));
        registries.emplace(entry.key, std::move(side));
    }
    return registries;
}

// from/to: a name under registries:, else a HOST[:PORT] with default settings.
Expected<RegistrySide> read_side(const Section& s, std::string_view key,
                                 const Registries& registries, const YAML::Mark& entry_mark) {
    PLAN_TRY(value, s.text(key));
    if (!value)
        return s.missing(key, entry_mark);
    if (const auto named = registries.find(*value); named != registries.end()) {
        return named->second;
    }
    const auto host = looks_like_host(*value) ? parse_host(*value) : std::nullopt;
    if (!host) {
        return s.fail(key,
                      in_quotes(*value) + " is neither a name under registries nor a HOST[:PORT]");
    }
    RegistrySide side;
    side.host = *host;
    side.tls.mode = transport::TlsMode::automatic;
    PLAN_TRY(credentials, registry::resolve_credentials({}, "", side.host));
    side.credentials = std::move(credentials);
    return side;
}

Expected<boost::regex> read_regex(const Section& s, std::string_view key, const Item& item) {
    return compile_regex(item.text, s.locator().at(item.mark) + ": " + s.key_path(key));
}

Expected<void> read_repositories(const Section& s, SyncPair& pair) {
    PLAN_TRY(repositories, s.list("repositories", false));
    for (auto& item : repositories) {
        if (!registry::is_valid_repository(pair.source_repository(item.text))) {
            return s.locator().fail(item.mark, in_quotes(s.key_path("repositories")) + ": " +
                                                   in_quotes(item.text) +
                                                   " is not a valid repository name");
        }
        pair.repositories.push_back(std::move(item.text));
    }
    PLAN_TRY(patterns, s.list("repository_regex", true));
    for (const auto& item : patterns) {
        PLAN_TRY(regex, read_regex(s, "repository_regex", item));
        pair.repository_patterns.push_back(std::move(regex));
    }
    return {};
}

Expected<void> read_tags(const Section& s, TagSelector& tags) {
    PLAN_TRY(exact, s.list("tags", false));
    for (auto& item : exact) {
        if (!registry::is_valid_tag(item.text)) {
            return s.locator().fail(item.mark, in_quotes(s.key_path("tags")) + ": " +
                                                   in_quotes(item.text) + " is not a valid tag");
        }
        tags.exact.push_back(std::move(item.text));
    }
    PLAN_TRY(pattern, s.text("tag_regex"));
    if (pattern) {
        PLAN_TRY(regex, read_regex(s, "tag_regex", Item{*pattern, s.find("tag_regex")->mark}));
        tags.pattern = std::move(regex);
    }
    PLAN_TRY(range, s.text("semver"));
    if (range) {
        auto parsed = SemVerRange::parse(*range);
        if (!parsed)
            return s.fail("semver", parsed.error().message);
        tags.semver = std::move(*parsed);
    }
    return {};
}

Expected<void> read_recency(const Section& s, RecencyFilter& recency) {
    PLAN_TRY(newer_than, s.text("newer_than"));
    if (newer_than) {
        auto parsed = parse_newer_than(*newer_than);
        if (!parsed)
            return s.fail("newer_than", "is invalid: " + parsed.error().message);
        recency.newer_than = std::move(*parsed);
    }
    PLAN_TRY(keep_last, s.number("keep_last"));
    if (keep_last) {
        if (*keep_last == 0)
            return s.fail("keep_last", "must be at least 1 (0 would leave out every dated tag)");
        recency.keep_last = static_cast<std::size_t>(*keep_last);
    }
    return {};
}

Expected<void> read_mapping(const Section& s, SyncPair& pair) {
    if (auto r = assign(s, "prefix", pair.prefix); !r)
        return r;
    if (!pair.prefix.empty() && !registry::is_valid_repository(pair.prefix)) {
        return s.fail("prefix", "must be a valid repository namespace such as \"mirror\"");
    }
    if (const auto* rewrite = s.find("rewrite")) {
        PLAN_TRY(rules, Section::read(s.locator(), rewrite->value, s.key_path("rewrite"), {}));
        for (const auto& rule : rules.entries()) {
            if (!rule.value.IsScalar())
                return rules.fail(rule, "must be a string");
            if (rule.key.empty())
                return rules.fail(rule, "has an empty source prefix");
            pair.rewrites.emplace_back(rule.key, rule.value.Scalar());
        }
    }
    PLAN_TRY(library, s.boolean("library_namespace"));
    if (library)
        pair.library_namespace = *library;
    PLAN_TRY(platform, s.text("platform"));
    if (platform) {
        if (!is_valid_platform(*platform))
            return s.fail("platform", "must be OS/ARCH[/VARIANT]");
        pair.platform = std::move(*platform);
    }
    PLAN_TRY(schema1, s.text("schema1"));
    if (schema1) {
        auto mode = parse_schema1_mode(*schema1);
        if (!mode)
            return s.fail("schema1", "must be keep, convert or auto");
        pair.schema1 = *mode;
    }
    PLAN_TRY(image_parallelism, s.number("image_parallelism"));
    if (image_parallelism) {
        if (*image_parallelism == 0)
            return s.fail("image_parallelism", "must be at least 1");
        pair.image_parallelism = static_cast<std::size_t>(*image_parallelism);
    }
    return {};
}

// hub: {organization: ORG, api: URL}: list the source's repositories through Docker Hub's
// API. `api` (default https://hub.docker.com) serves a Hub stand-in, which it marks as
// Docker Hub whatever the source host; a source that is not Docker Hub needs it.
Expected<void> read_hub(const Section& s, SyncPair& pair) {
    const auto* entry = s.find("hub");
    if (!entry)
        return {};
    PLAN_TRY(hub,
             Section::read(s.locator(), entry->value, s.key_path("hub"), {"organization", "api"}));
    PLAN_TRY(organization, hub.text("organization"));
    if (!organization)
        return hub.missing("organization", entry->mark);
    const auto checked = [&](std::string_view api) {
        return registry::hub_listing_url(api, *organization, registry::HubEndpoint::namespaces,
                                         registry::hub_max_page_size);
    };
    if (auto url = checked(registry::docker_hub_api); !url)
        return hub.fail("organization", url.error().message);
    PLAN_TRY(api, hub.text("api"));
    if (api) {
        if (auto url = checked(*api); !url)
            return hub.fail("api", url.error().message);
        pair.hub_api = *api;
    } else if (!registry::is_docker_hub(pair.source.host)) {
        return s.fail(*entry, "needs \"api\" when the source is not Docker Hub");
    }
    pair.hub_organization = std::move(*organization);
    return {};
}

Expected<SyncPair> read_sync_entry(const Locator& at, const YAML::Node& node, std::size_t index,
                                   const Registries& registries) {
    const auto path = "sync[" + std::to_string(index) + "]";
    PLAN_TRY(s, Section::read(at, node, path,
                              {"from", "to", "repositories", "repository_regex", "tags",
                               "tag_regex", "semver", "prefix", "rewrite", "library_namespace",
                               "platform", "hub", "referrers", "schema1", "image_parallelism",
                               "newer_than", "keep_last", "prune"}));
    SyncPair pair;
    PLAN_TRY(source, read_side(s, "from", registries, node.Mark()));
    pair.source = std::move(source);
    PLAN_TRY(destination, read_side(s, "to", registries, node.Mark()));
    pair.destination = std::move(destination);
    // Before the repositories: a Hub stand-in names them like Docker Hub.
    if (auto r = read_hub(s, pair); !r)
        return r.error();
    if (auto r = read_repositories(s, pair); !r)
        return r.error();
    if (auto r = read_mapping(s, pair); !r)
        return r.error();
    if (auto r = read_tags(s, pair.tags); !r)
        return r.error();
    if (auto r = read_recency(s, pair.recency); !r)
        return r.error();
    PLAN_TRY(referrers, s.boolean("referrers"));
    pair.referrers.enabled = referrers.value_or(false);
    PLAN_TRY(prune, s.boolean("prune"));
    pair.prune = prune.value_or(false);
    // What needs several keys together (destination names after mapping, a copy onto itself).
    if (auto valid = validate_pair(pair); !valid) {
        return at.fail(node.Mark(), path + ": " + valid.error().message);
    }
    return pair;
}

Expected<SyncPlan> read_plan(const Locator& at, const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) {
        return at.fail(YAML::Mark::null_mark(), "the plan is empty: it needs a \"sync\" list");
    }
    PLAN_TRY(top, Section::read(at, root, "", {"registries", "sync"}));
    Registries registries;
    if (const auto* entry = top.find("registries")) {
        PLAN_TRY(named, read_registries(at, entry->value));
        registries = std::move(named);
    }
    const auto* sync = top.find("sync");
    if (!sync)
        return at.fail(root.Mark(), "the plan needs a \"sync\" list");
    if (!sync->value.IsSequence() || sync->value.size() == 0) {
        return top.fail(*sync, "must be a non-empty list of sync entries");
    }
    SyncPlan plan;
    for (std::size_t i = 0; i < sync->value.size(); ++i) {
        PLAN_TRY(pair, read_sync_entry(at, sync->value[i], i, registries));
        plan.pairs.push_back(std::move(pair));
    }
    return plan;
}

#undef PLAN_TRY

}  // namespace

Expected<SyncPlan> parse_plan_yaml(std::string_view text, std::string_view origin) {
    const Locator at(origin);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return at.fail(e.mark, "not valid YAML: " + e.msg);
    }
    return read_plan(at, root);
}

Expected<SyncPlan> load_plan_file(const std::string& path) {
    const auto unreadable = [&path](const std::string& why) {
        return make_error(ErrorKind::invalid_argument,
                          "cannot read plan file " + path + ": " + why);
    };
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return unreadable("it is a directory");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return unreadable(std::strerror(errno));
    std::string content;
    try {
        content.assign(std::istreambuf_iterator<char>(file), {});
    } catch (const std::exception& e) {  // libstdc++ reports read errors by throwing here
        return unreadable(e.what());
    }
    return parse_plan_yaml(content, path);
}

}  // namespace regmigrate::engine
