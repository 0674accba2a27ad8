#include "registry/ecr/aws_credentials.hpp"

#include <gtest/gtest.h>

#include <map>

namespace regmigrate::registry {
namespace {

constexpr const char* kSecret = "Secret-7c1e-never-printed";

struct Sources {
    std::map<std::string, std::string> env;
    std::optional<std::string> credentials_file;
    std::optional<std::string> config_file;

    Expected<AwsSettings> resolve() const {
        AwsConfigSources sources;
        sources.env = [this](std::string_view name) -> std::optional<std::string> {
            const auto it = env.find(std::string(name));
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        sources.credentials_file = credentials_file;
        sources.config_file = config_file;
        return resolve_aws_settings(sources);
    }
};

TEST(AwsIni, ReadsSectionsKeysAndValuesTrimmed) {
    const auto ini = parse_aws_ini("[ default ]\naws_access_key_id  =  AKID \t\n", "f");
    ASSERT_TRUE(ini);
    EXPECT_EQ(ini->at("default").at("aws_access_key_id"), "AKID");
}

TEST(AwsIni, SkipsCommentsBlankLinesAndNestedSettings) {
    const auto ini = parse_aws_ini(
        "# comment\n; other\n\n[profile ci]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = "
        "4\n",
        "f");
    ASSERT_TRUE(ini);
    const auto& section = ini->at("profile ci");
    EXPECT_EQ(section.at("region"), "eu-west-1");
    EXPECT_EQ(section.at("s3"), "");
    EXPECT_EQ(section.count("max_concurrent_requests"), 0u);
}

TEST(AwsIni, KeepsEqualsSignsInsideValues) {
    const auto ini = parse_aws_ini("[a]\naws_secret_access_key = ab/c+d==\n", "f");
    ASSERT_TRUE(ini);
    EXPECT_EQ(ini->at("a").at("aws_secret_access_key"), "ab/c+d==");
}

TEST(AwsIni, MalformedLineIsNamedByNumberWithoutItsText) {
    const auto ini = parse_aws_ini(std::string("[a]\n") + kSecret + "\n", "credentials");
    ASSERT_FALSE(ini);
    EXPECT_EQ(ini.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(ini.error().message.find("line 2"), std::string::npos) << ini.error().message;
    EXPECT_EQ(ini.error().message.find(kSecret), std::string::npos) << ini.error().message;
}

TEST(AwsIni, SettingBeforeAnySectionIsRefused) {
    EXPECT_FALSE(parse_aws_ini("region = x\n", "f"));
}

TEST(AwsSettings, EnvironmentKeysWinOverFiles) {
    Sources sources;
    sources.env = {{"AWS_ACCESS_KEY_ID", "ENVKEY"},
                   {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                   {"AWS_SESSION_TOKEN", "envtoken"}};
    sources.credentials_file = "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=s\n";
    const auto settings = sources.resolve();
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->credentials.access_key_id, "ENVKEY");
    EXPECT_EQ(settings->credentials.secret_access_key, "envsecret");
    EXPECT_EQ(settings->credentials.session_token, "envtoken");
    EXPECT_EQ(settings->source, "environment");
}

TEST(AwsSettings, HalfAnEnvironmentKeyPairIsAnError) {
    Sources sources;
    sources.env = {{"AWS_ACCESS_KEY_ID", "ENVKEY"}};
    const auto settings = sources.resolve();
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().kind, ErrorKind::invalid_argument);
}

TEST(AwsSettings, CredentialsFileDefaultProfile) {
    Sources sources;
    sources.credentials_file =
        "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=filesecret\n"
        "aws_session_token=filetoken\n";
    const auto settings = sources.resolve();
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->profile, "default");
    EXPECT_EQ(settings->credentials.access_key_id, "FILEKEY");
    EXPECT_EQ(settings->credentials.secret_access_key, "filesecret");
    EXPECT_EQ(settings->credentials.session_token, "filetoken");
}

TEST(AwsSettings, AwsProfileSelectsTheNamedSectionOfEachFile) {
    Sources sources;
    sources.env = {{"AWS_PROFILE", "ci"}};
    sources.credentials_file =
        "[default]\naws_access_key_id=DEFAULT\naws_secret_access_key=d\n"
        "[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=cisecret\n";
    sources.config_file = "[default]\nregion=us-east-1\n[profile ci]\nregion=eu-central-1\n";
    const auto settings = sources.resolve();
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->credentials.access_key_id, "CIKEY");
    EXPECT_EQ(settings->region, "eu-central-1");
}

TEST(AwsSettings, CredentialsFileWinsOverConfigFile) {
    Sources sources;
    sources.credentials_file = "[default]\naws_access_key_id=CREDS\naws_secret_access_key=a\n";
    sources.config_file = "[default]\naws_access_key_id=CONFIG\naws_secret_access_key=b\n";
    const auto settings = sources.resolve();
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->credentials.access_key_id, "CREDS");
}

TEST(AwsSettings, ConfigFileProfileSuppliesKeysWhenTheCredentialsFileHasNone) {
    Sources sources;
    sources.env = {{"AWS_PROFILE", "ops"}};
    sources.config_file = "[profile ops]\naws_access_key_id=CONFIG\naws_secret_access_key=b\n";
    const auto settings = sources.resolve();
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->credentials.access_key_id, "CONFIG");
}

TEST(AwsSettings, ConfigSectionWithoutProfilePrefixIsNotANamedProfile) {
    Sources sources;
    sources.env = {{"AWS_PROFILE", "ops"}};
    sources.config_file = "[ops]\naws_access_key_id=CONFIG\naws_secret_access_key=b\n";
    EXPECT_FALSE(sources.resolve());
}

TEST(AwsSettings, RegionFromAwsRegionThenDefaultRegionThenProfile) {
    Sources sources;
    sources.credentials_file = "[default]\naws_access_key_id=K\naws_secret_access_key=S\n";
    sources.config_file = "[default]\nregion=from-profile\n";
    EXPECT_EQ(sources.resolve()->region, "from-profile");
    sources.env["AWS_DEFAULT_REGION"] = "from-default-region";
    EXPECT_EQ(sources.resolve()->region, "from-default-region");
    sources.env["AWS_REGION"] = "from-region";
    EXPECT_EQ(sources.resolve()->region, "from-region");
}

TEST(AwsSettings, UnknownNamedProfileIsAnErrorNamingIt) {
    Sources sources;
    sources.env = {{"AWS_PROFILE", "nosuch"}};
    sources.credentials_file = "[default]\naws_access_key_id=K\naws_secret_access_key=S\n";
    const auto settings = sources.resolve();
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(settings.error().message.find("nosuch"), std::string::npos);
}

TEST(AwsSettings, NoCredentialsAnywhereIsUnauthorized) {
    const auto settings = Sources{}.resolve();
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().kind, ErrorKind::unauthorized);
}

TEST(AwsSettings, ProfileWithOnlyTheSecretIsRefusedWithoutPrintingIt) {
    Sources sources;
    sources.credentials_file = std::string("[default]\naws_secret_access_key=") + kSecret + "\n";
    const auto settings = sources.resolve();
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(settings.error().message.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::registry
