// AWS credentials and region, resolved the way the AWS CLI documents it: environment
// variables first, then the shared credentials file, then the config file; region from
// AWS_REGION, AWS_DEFAULT_REGION, then the profile in the config file.
#pragma once

#include "transport/error.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::registry {

// Never print these: only access_key_id may appear in a message.
struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term keys
};

struct AwsSettings {
    AwsCredentials credentials;
    std::string region;   // empty when nothing names one
    std::string profile;  // the profile consulted ("default" unless AWS_PROFILE says otherwise)
    std::string source;   // where the credentials came from, for messages: "environment", ...
};

// An INI file as the AWS CLI reads it: section → key → value. Keys and section names are
// trimmed; indented lines (nested settings such as `s3 =` blocks) are skipped.
using IniFile = std::map<std::string, std::map<std::string, std::string>, std::less<>>;

// Errors name the line number only: the lines hold secrets.
Expected<IniFile> parse_aws_ini(std::string_view text, std::string_view file_name);

// What resolution reads: an environment lookup and the two files' contents (nullopt when
// the file does not exist).
struct AwsConfigSources {
    std::function<std::optional<std::string>(std::string_view name)> env;
    std::optional<std::string> credentials_file;
    std::optional<std::string> config_file;
    // How messages name the files.
    std::string credentials_path = "~/.aws/credentials";
    std::string config_path = "~/.aws/config";
};

// Pure resolution. ErrorKind::unauthorized when no credentials are found,
// invalid_argument for a named profile that exists nowhere, a half-set key pair, or a
// malformed file.
Expected<AwsSettings> resolve_aws_settings(const AwsConfigSources& sources);

// Reads the process environment and the files (AWS_SHARED_CREDENTIALS_FILE and
// AWS_CONFIG_FILE override ~/.aws/credentials and ~/.aws/config), then resolves.
Expected<AwsSettings> load_aws_settings();

}  // namespace regmigrate::registry
