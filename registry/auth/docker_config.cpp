#include "registry/auth/docker_config.hpp"

#include "registry/name/reference.hpp"
#include "transport/base64.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace regmigrate::registry {

namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

// Builds messages as "ORIGIN: KEY.PATH what is wrong"; values never appear.
class Messages {
  public:
    explicit Messages(std::string_view origin) : origin_(origin) {}
    Error fail(const std::string& key_path, std::string_view what) const {
        return make_error(ErrorKind::invalid_argument,
                          std::string(origin_) + ": " + key_path + " " + std::string(what));
    }

  private:
    std::string_view origin_;
};

std::string member(std::string_view parent, std::string_view key) {
    return std::string(parent) + ".\"" + std::string(key) + "\"";
}

// A string member, "" when absent.
Expected<std::string> optional_string(simdjson::dom::object object, std::string_view key,
                                      const std::string& path, const Messages& messages) {
    const auto field = object[key];
    if (field.error() == simdjson::NO_SUCH_FIELD)
        return std::string();
    std::string_view value;
    if (field.get_string().get(value) != simdjson::SUCCESS) {
        return messages.fail(member(path, key), "must be a string");
    }
    return std::string(value);
}

// `auth` is base64("USER:PASSWORD") and, when present, decides both (as in docker).
Expected<Credentials> read_auth_entry(simdjson::dom::element element, const std::string& path,
                                      const Messages& messages) {
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
        return messages.fail(path, "must be an object");
    }
    Credentials credentials;
    for (auto [key, field] : {std::pair{"username", &credentials.username},
                              std::pair{"password", &credentials.password},
                              std::pair{"identitytoken", &credentials.identity_token}}) {
        auto value = optional_string(object, key, path, messages);
        if (!value)
            return value.error();
        *field = std::move(*value);
    }
    auto auth = optional_string(object, "auth", path, messages);
    if (!auth)
        return auth.error();
    if (!auth->empty()) {
        const auto decoded = base64_decode(*auth);
        const auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos) {
            return messages.fail(member(path, "auth"), "is not base64 of USER:PASSWORD");
        }
        credentials.username = decoded->substr(0, colon);
        credentials.password = decoded->substr(colon + 1);
    }
    return credentials;
}

// An object member; nullopt when absent or null (a default dom::object is not iterable).
Expected<std::optional<simdjson::dom::object>> optional_object(simdjson::dom::object parent,
                                                               std::string_view key,
                                                               const Messages& messages) {
    const auto field = parent[key];
    if (field.error() == simdjson::NO_SUCH_FIELD || field.is_null()) {
        return std::optional<simdjson::dom::object>();
    }
    simdjson::dom::object object;
    if (field.get_object().get(object) != simdjson::SUCCESS) {
        return messages.fail(std::string(key), "must be an object");
    }
    return std::optional<simdjson::dom::object>(object);
}

}  // namespace

std::string registry_host_of_key(std::string_view key) {
    for (std::string_view scheme : {"https://", "http://"}) {
        if (key.size() >= scheme.size() && lowercase(key.substr(0, scheme.size())) == scheme) {
            key.remove_prefix(scheme.size());
            break;
        }
    }
    key = key.substr(0, key.find('/'));
    return lowercase(normalize_registry_host(key));
}

std::string helper_server_url(std::string_view registry_host) {
    return is_docker_hub(registry_host) ? std::string(docker_hub_server_url)
                                        : std::string(registry_host);
}

DockerConfigEntry DockerConfig::lookup(std::string_view registry_host) const {
    const std::string host = registry_host_of_key(registry_host);
    if (const auto helper = cred_helpers.find(host); helper != cred_helpers.end()) {
        return CredentialHelperRef{helper->second};
    }
    if (!creds_store.empty())
        return CredentialHelperRef{creds_store};
    if (const auto entry = auths.find(host); entry != auths.end() && !entry->second.empty()) {
        return entry->second;
    }
    return std::monostate{};
}

Expected<DockerConfig> parse_docker_config(std::string_view json, std::string_view origin) {
    const Messages messages(origin);
    // docker accepts an empty file.
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return DockerConfig{};
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    const simdjson::padded_string padded(json);
    if (parser.parse(padded).get_object().get(root) != simdjson::SUCCESS) {
        return make_error(ErrorKind::invalid_argument, std::string(origin) + ": not a JSON object");
    }
    DockerConfig config;
    auto auths = optional_object(root, "auths", messages);
    if (!auths)
        return auths.error();
    if (*auths) {
        for (auto [key, value] : **auths) {
            auto entry = read_auth_entry(value, member("auths", key), messages);
            if (!entry)
                return entry.error();
            // The first of several keys naming one host wins (document order).
            config.auths.emplace(registry_host_of_key(key), std::move(*entry));
        }
    }
    auto store = optional_string(root, "credsStore", "", messages);
    if (!store)
        return messages.fail("credsStore", "must be a string");
    config.creds_store = std::move(*store);
    auto helpers = optional_object(root, "credHelpers", messages);
    if (!helpers)
        return helpers.error();
    if (*helpers) {
        for (auto [key, value] : **helpers) {
            std::string_view name;
            if (value.get_string().get(name) != simdjson::SUCCESS) {
                return messages.fail(member("credHelpers", key), "must be a string");
            }
            config.cred_helpers.emplace(registry_host_of_key(key), std::string(name));
        }
    }
    return config;
}

std::optional<std::filesystem::path> docker_config_path(const char* docker_config_variable,
                                                        const char* home_variable) {
    if (docker_config_variable != nullptr && *docker_config_variable != '\0') {
        return std::filesystem::path(docker_config_variable) / "config.json";
    }
    if (home_variable != nullptr && *home_variable != '\0') {
        return std::filesystem::path(home_variable) / ".docker" / "config.json";
    }
    return std::nullopt;
}

Expected<DockerConfig> load_docker_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return DockerConfig{};
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        return make_error(ErrorKind::io, "cannot read " + path.string());
    }
    return parse_docker_config(text.str(), path.string());
}

}  // namespace regmigrate::registry
