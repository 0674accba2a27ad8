#include "registry/auth/docker_config.hpp"

#include "transport/base64.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace regmigrate::registry {
namespace {

constexpr const char* origin = "/home/u/.docker/config.json";

DockerConfig parsed(std::string_view json) {
    auto result = parse_docker_config(json, origin);
    EXPECT_TRUE(result) << (result ? "" : result.error().message);
    return result ? *result : DockerConfig{};
}

std::string failure(std::string_view json) {
    auto result = parse_docker_config(json, origin);
    EXPECT_FALSE(result);
    if (result)
        return "";
    EXPECT_EQ(result.error().kind, ErrorKind::invalid_argument);
    return result.error().message;
}

Credentials credentials_in(const DockerConfigEntry& entry) {
    const auto* credentials = std::get_if<Credentials>(&entry);
    EXPECT_NE(credentials, nullptr);
    return credentials ? *credentials : Credentials{};
}

std::string auth_of(std::string_view user_colon_password) {
    return base64_encode(user_colon_password);
}

// ---- auths ----

TEST(DockerConfig, AuthIsBase64OfUserAndPassword) {
    const auto config =
        parsed(R"({"auths": {"reg.example.com": {"auth": ")" + auth_of("alice:pa:ss") + R"("}}})");
    const auto credentials = credentials_in(config.lookup("reg.example.com"));
    EXPECT_EQ(credentials.username, "alice");
    EXPECT_EQ(credentials.password, "pa:ss");
}

TEST(DockerConfig, UsernameAndPasswordFieldsServeWithoutAuth) {
    const auto config =
        parsed(R"({"auths": {"reg.example.com": {"username": "bob", "password": "pw"}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")), (Credentials{"bob", "pw", ""}));
}

TEST(DockerConfig, AuthDecidesOverUsernameAndPasswordFields) {
    const auto config =
        parsed(R"({"auths": {"reg.example.com": {"auth": ")" + auth_of("alice:right") +
               R"(", "username": "bob", "password": "wrong"}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")),
              (Credentials{"alice", "right", ""}));
}

TEST(DockerConfig, IdentityTokenIsRead) {
    const auto config = parsed(
        R"({"auths": {"reg.example.com": {"username": "alice", "identitytoken": "refresh-1"}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")).identity_token, "refresh-1");
}

TEST(DockerConfig, UrlKeysNameTheirHost) {
    const auto config =
        parsed(R"({"auths": {"https://reg.example.com/v1/": {"auth": ")" + auth_of("a:b") +
               R"("}, "http://other.example:5000": {"auth": ")" + auth_of("c:d") + R"("}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")).username, "a");
    EXPECT_EQ(credentials_in(config.lookup("other.example:5000")).username, "c");
}

TEST(DockerConfig, DockerHubKeyServesEveryHubAlias) {
    const auto config = parsed(R"({"auths": {"https://index.docker.io/v1/": {"auth": ")" +
                               auth_of("hubuser:hubpw") + R"("}}})");
    for (const char* host : {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
        EXPECT_EQ(credentials_in(config.lookup(host)).username, "hubuser") << host;
    }
}

TEST(DockerConfig, KeysMatchWhateverTheirCase) {
    const auto config =
        parsed(R"({"auths": {"Reg.Example.COM": {"username": "u", "password": "p"}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")).username, "u");
}

TEST(DockerConfig, PortIsPartOfTheHost) {
    const auto config =
        parsed(R"({"auths": {"reg.example.com:5000": {"username": "u", "password": "p"}}})");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(config.lookup("reg.example.com")));
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com:5000")).username, "u");
}

TEST(DockerConfig, EmptyEntryIsNoCredentials) {
    const auto config = parsed(R"({"auths": {"reg.example.com": {}}})");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(config.lookup("reg.example.com")));
}

TEST(DockerConfig, UnknownRegistryHasNothing) {
    const auto config =
        parsed(R"({"auths": {"reg.example.com": {"username": "u", "password": "p"}}})");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(config.lookup("elsewhere.example")));
}

TEST(DockerConfig, EmptyFileIsAnEmptyConfig) {
    const auto config = parsed("  \n");
    EXPECT_TRUE(config.auths.empty());
    EXPECT_TRUE(config.creds_store.empty());
}

// ---- helpers ----

TEST(DockerConfig, CredsStoreIsAskedForEveryRegistry) {
    const auto config = parsed(R"({"credsStore": "pass"})");
    EXPECT_EQ(config.lookup("reg.example.com"), DockerConfigEntry(CredentialHelperRef{"pass"}));
}

TEST(DockerConfig, CredsStoreWinsOverAuths) {
    const auto config = parsed(
        R"({"credsStore": "pass", "auths": {"reg.example.com": {"username": "u", "password": "p"}}})");
    EXPECT_EQ(config.lookup("reg.example.com"), DockerConfigEntry(CredentialHelperRef{"pass"}));
}

TEST(DockerConfig, CredHelperForTheHostWinsOverCredsStore) {
    const auto config =
        parsed(R"({"credsStore": "pass", "credHelpers": {"reg.example.com": "ecr-login"}})");
    EXPECT_EQ(config.lookup("reg.example.com"),
              DockerConfigEntry(CredentialHelperRef{"ecr-login"}));
    EXPECT_EQ(config.lookup("other.example"), DockerConfigEntry(CredentialHelperRef{"pass"}));
}

TEST(DockerConfig, CredHelperForAnotherHostLeavesAuthsInCharge) {
    const auto config = parsed(
        R"({"credHelpers": {"other.example": "gcr"}, "auths": {"reg.example.com": {"username": "u", "password": "p"}}})");
    EXPECT_EQ(credentials_in(config.lookup("reg.example.com")).username, "u");
}

TEST(DockerConfig, HelperServerUrlForDockerHubIsItsIndexUrl) {
    EXPECT_EQ(helper_server_url("registry-1.docker.io"), "https://index.docker.io/v1/");
    EXPECT_EQ(helper_server_url("docker.io"), "https://index.docker.io/v1/");
}

TEST(DockerConfig, HelperServerUrlForOtherRegistriesIsTheHost) {
    EXPECT_EQ(helper_server_url("127.0.0.1:5000"), "127.0.0.1:5000");
}

// ---- malformed files ----

TEST(DockerConfig, InvalidJsonNamesTheFile) {
    EXPECT_NE(failure("{not json").find(origin), std::string::npos);
}

TEST(DockerConfig, BadAuthNamesFileAndKeyButNotTheValue) {
    const std::string bad_auth = "bm90LWEtcGFpcg==";  // "not-a-pair": no colon
    const auto message =
        failure(R"({"auths": {"reg.example.com": {"auth": ")" + bad_auth + "\"}}}");
    EXPECT_NE(message.find(origin), std::string::npos) << message;
    EXPECT_NE(message.find("auths.\"reg.example.com\".\"auth\""), std::string::npos) << message;
    EXPECT_EQ(message.find(bad_auth), std::string::npos) << message;
}

TEST(DockerConfig, NonStringPasswordNamesTheKeyButNotTheValue) {
    const auto message = failure(R"({"auths": {"r.example": {"password": 424242}}})");
    EXPECT_NE(message.find("auths.\"r.example\".\"password\""), std::string::npos) << message;
    EXPECT_EQ(message.find("424242"), std::string::npos) << message;
}

TEST(DockerConfig, NonStringCredHelperNamesTheKey) {
    const auto message = failure(R"({"credHelpers": {"r.example": 1}})");
    EXPECT_NE(message.find("credHelpers.\"r.example\""), std::string::npos) << message;
}

TEST(DockerConfig, AuthsThatIsNotAnObjectIsNamed) {
    EXPECT_NE(failure(R"({"auths": []})").find("auths must be an object"), std::string::npos);
}

// ---- where the file is ----

TEST(DockerConfigPath, DockerConfigVariableWins) {
    EXPECT_EQ(docker_config_path("/etc/dc", "/home/u"),
              std::filesystem::path("/etc/dc/config.json"));
}

TEST(DockerConfigPath, HomeIsTheFallback) {
    EXPECT_EQ(docker_config_path(nullptr, "/home/u"),
              std::filesystem::path("/home/u/.docker/config.json"));
    EXPECT_EQ(docker_config_path("", "/home/u"),
              std::filesystem::path("/home/u/.docker/config.json"));
}

TEST(DockerConfigPath, NoneWithoutEitherVariable) {
    EXPECT_FALSE(docker_config_path(nullptr, nullptr));
}

TEST(DockerConfigPath, MissingFileIsAnEmptyConfig) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("regmigrate-no-such-" + std::to_string(::getpid())) / "config.json";
    const auto config = load_docker_config(path);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_TRUE(config->auths.empty());
}

}  // namespace
}  // namespace regmigrate::registry
