#include "registry/ecr/aws_credentials.hpp"

#include "transport/text.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace regmigrate::registry {

namespace {

constexpr std::string_view kSpaces = " \t\r";

std::string env_or_empty(const AwsConfigSources& sources, std::string_view name) {
    return sources.env ? sources.env(name).value_or("") : std::string();
}

const std::map<std::string, std::string>* find_section(const IniFile& file, std::string_view name) {
    const auto it = file.find(name);
    return it == file.end() ? nullptr : &it->second;
}

std::string value_in(const std::map<std::string, std::string>* section, const std::string& key) {
    if (section == nullptr) {
        return {};
    }
    const auto it = section->find(key);
    return it == section->end() ? std::string() : it->second;
}

// Credentials from one file's profile section: nullopt when it holds no key at all.
Expected<std::optional<AwsCredentials>> credentials_in(
    const std::map<std::string, std::string>* section, const std::string& profile,
    const std::string& path) {
    AwsCredentials found{value_in(section, "aws_access_key_id"),
                         value_in(section, "aws_secret_access_key"),
                         value_in(section, "aws_session_token")};
    if (found.access_key_id.empty() && found.secret_access_key.empty()) {
        return std::optional<AwsCredentials>{};
    }
    if (found.access_key_id.empty() || found.secret_access_key.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          "AWS profile '" + profile + "' in " + path +
                              " needs both aws_access_key_id and aws_secret_access_key");
    }
    return std::optional<AwsCredentials>{std::move(found)};
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

Expected<IniFile> parse_aws_ini(std::string_view text, std::string_view file_name) {
    IniFile file;
    std::map<std::string, std::string>* section = nullptr;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::string_view raw = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
        ++line_number;
        const std::string_view line = transport::trim(raw, kSpaces);
        if (line.empty() || line.front() == '#' || line.front() == ';') {
            continue;
        }
        // Indented lines continue a nested setting (e.g. `s3 =`): nothing we read.
        if (raw.front() == ' ' || raw.front() == '\t') {
            continue;
        }
        const auto where = std::string(file_name) + " line " + std::to_string(line_number);
        if (line.front() == '[') {
            if (line.back() != ']') {
                return make_error(ErrorKind::invalid_argument, where + ": unterminated section");
            }
            section = &file[std::string(transport::trim(line.substr(1, line.size() - 2), kSpaces))];
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            return make_error(ErrorKind::invalid_argument, where + ": expected KEY = VALUE");
        }
        if (section == nullptr) {
            return make_error(ErrorKind::invalid_argument, where + ": setting outside a section");
        }
        (*section)[std::string(transport::trim(line.substr(0, equals), kSpaces))] =
            std::string(transport::trim(line.substr(equals + 1), kSpaces));
    }
    return file;
}

Expected<AwsSettings> resolve_aws_settings(const AwsConfigSources& sources) {
    AwsSettings settings;
    const std::string named_profile = env_or_empty(sources, "AWS_PROFILE");
    settings.profile = named_profile.empty() ? "default" : named_profile;

    auto credentials_file =
        parse_aws_ini(sources.credentials_file.value_or(""), sources.credentials_path);
    if (!credentials_file) {
        return credentials_file.error();
    }
    auto config_file = parse_aws_ini(sources.config_file.value_or(""), sources.config_path);
    if (!config_file) {
        return config_file.error();
    }
    const auto* credentials_section = find_section(*credentials_file, settings.profile);
    // The config file spells named profiles `[profile NAME]`; the default may be either.
    const auto* config_section = find_section(*config_file, "profile " + settings.profile);
    if (config_section == nullptr && settings.profile == "default") {
        config_section = find_section(*config_file, "default");
    }

    settings.region = env_or_empty(sources, "AWS_REGION");
    if (settings.region.empty()) {
        settings.region = env_or_empty(sources, "AWS_DEFAULT_REGION");
    }
    if (settings.region.empty()) {
        settings.region = value_in(config_section, "region");
    }

    const std::string env_key = env_or_empty(sources, "AWS_ACCESS_KEY_ID");
    const std::string env_secret = env_or_empty(sources, "AWS_SECRET_ACCESS_KEY");
    if (!env_key.empty() && !env_secret.empty()) {
        settings.credentials = {env_key, env_secret, env_or_empty(sources, "AWS_SESSION_TOKEN")};
        settings.source = "environment";
        return settings;
    }
    if (!env_key.empty() || !env_secret.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    }

    const std::pair<const std::map<std::string, std::string>*, const std::string*> files[] = {
        {credentials_section, &sources.credentials_path}, {config_section, &sources.config_path}};
    for (const auto& [section, path] : files) {
        auto found = credentials_in(section, settings.profile, *path);
        if (!found) {
            return found.error();
        }
        if (*found) {
            settings.credentials = std::move(**found);
            settings.source = *path + " [" + settings.profile + "]";
            return settings;
        }
    }
    if (!named_profile.empty() && credentials_section == nullptr && config_section == nullptr) {
        return make_error(ErrorKind::invalid_argument,
                          "AWS profile '" + named_profile + "' is in neither " +
                              sources.credentials_path + " nor " + sources.config_path);
    }
    return make_error(ErrorKind::unauthorized,
                      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                      "configure profile '" +
                          settings.profile + "' in " + sources.credentials_path);
}

Expected<AwsSettings> load_aws_settings() {
    AwsConfigSources sources;
    sources.env = [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
    const char* home = std::getenv("HOME");
    const std::string aws_dir = std::string(home == nullptr ? "" : home) + "/.aws/";
    const auto credentials_override = sources.env("AWS_SHARED_CREDENTIALS_FILE");
    const auto config_override = sources.env("AWS_CONFIG_FILE");
    sources.credentials_path = credentials_override.value_or(aws_dir + "credentials");
    sources.config_path = config_override.value_or(aws_dir + "config");
    sources.credentials_file = read_file(sources.credentials_path);
    sources.config_file = read_file(sources.config_path);
    return resolve_aws_settings(sources);
}

}  // namespace regmigrate::registry
