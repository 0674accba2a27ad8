#include "registry/auth/credential_resolution.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

constexpr const char* host = "reg.example.com";

DockerConfig config_with_auths() {
    DockerConfig config;
    config.auths[host] = Credentials{"from-config", "pw", ""};
    return config;
}

// A loader that counts how often the file would have been read.
struct ConfigLoader {
    Expected<DockerConfig> result = config_with_auths();
    int calls = 0;
    std::function<Expected<DockerConfig>()> function() {
        return [this] {
            ++calls;
            return result;
        };
    }
};

DockerConfigEntry decided(const CredentialSources& sources, ConfigLoader& loader) {
    auto decision = decide_credentials(sources, host, loader.function());
    EXPECT_TRUE(decision) << (decision ? "" : decision.error().message);
    return decision ? *decision : DockerConfigEntry{};
}

TEST(DecideCredentials, ExplicitCredentialsWinOverEverything) {
    ConfigLoader loader;
    const CredentialSources sources{{"flag-user", "pw", ""}, "REGMIGRATE_SRC_CREDS", "env:pw"};
    EXPECT_EQ(decided(sources, loader), DockerConfigEntry(Credentials{"flag-user", "pw", ""}));
    EXPECT_EQ(loader.calls, 0);
}

TEST(DecideCredentials, EnvironmentWinsOverDockerConfig) {
    ConfigLoader loader;
    const CredentialSources sources{{}, "REGMIGRATE_SRC_CREDS", "env-user:env:pw"};
    EXPECT_EQ(decided(sources, loader), DockerConfigEntry(Credentials{"env-user", "env:pw", ""}));
    EXPECT_EQ(loader.calls, 0);
}

TEST(DecideCredentials, EmptyEnvironmentValueCountsAsUnset) {
    ConfigLoader loader;
    const CredentialSources sources{{}, "REGMIGRATE_SRC_CREDS", ""};
    EXPECT_EQ(decided(sources, loader), DockerConfigEntry(Credentials{"from-config", "pw", ""}));
}

TEST(DecideCredentials, DockerConfigServesWhenNothingElseIsGiven) {
    ConfigLoader loader;
    EXPECT_EQ(decided({}, loader), DockerConfigEntry(Credentials{"from-config", "pw", ""}));
    EXPECT_EQ(loader.calls, 1);
}

TEST(DecideCredentials, DockerConfigHelperIsTheDecision) {
    ConfigLoader loader;
    loader.result = DockerConfig{{}, "pass", {}};
    EXPECT_EQ(decided({}, loader), DockerConfigEntry(CredentialHelperRef{"pass"}));
}

TEST(DecideCredentials, AnonymousWhenNoSourceHasCredentials) {
    ConfigLoader loader;
    loader.result = DockerConfig{};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decided({}, loader)));
}

TEST(DecideCredentials, MalformedVariableIsAnErrorNamingItNotItsValue) {
    ConfigLoader loader;
    const CredentialSources sources{{}, "REGMIGRATE_DEST_CREDS", "no-colon-secret"};
    const auto decision = decide_credentials(sources, host, loader.function());
    ASSERT_FALSE(decision);
    EXPECT_NE(decision.error().message.find("REGMIGRATE_DEST_CREDS"), std::string::npos);
    EXPECT_EQ(decision.error().message.find("no-colon-secret"), std::string::npos);
}

TEST(DecideCredentials, BrokenDockerConfigIsAnErrorOnlyWhenItIsNeeded) {
    ConfigLoader loader;
    loader.result = make_error(ErrorKind::invalid_argument, "config.json: not a JSON object");
    EXPECT_FALSE(decide_credentials({}, host, loader.function()));
    const CredentialSources sources{{"flag-user", "pw", ""}, "", std::nullopt};
    EXPECT_TRUE(decide_credentials(sources, host, loader.function()));
}

}  // namespace
}  // namespace regmigrate::registry
