#include "engine/plan/registry_api.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

TEST(RegistryApiFrom, V2AnsweringOkIsV2) {
    EXPECT_EQ(registry_api_from(200, std::nullopt), RegistryApi::v2);
}

TEST(RegistryApiFrom, V2AskingForAuthenticationIsV2) {
    EXPECT_EQ(registry_api_from(401, 200), RegistryApi::v2);
}

TEST(RegistryApiFrom, V1PingAnsweringOkWithoutV2IsV1) {
    EXPECT_EQ(registry_api_from(404, 200), RegistryApi::v1);
}

TEST(RegistryApiFrom, NeitherAnsweringIsUnknown) {
    EXPECT_EQ(registry_api_from(404, 404), std::nullopt);
    EXPECT_EQ(registry_api_from(403, std::nullopt), std::nullopt);
    EXPECT_EQ(registry_api_from(500, 401), std::nullopt);
}

}  // namespace
}  // namespace regmigrate::engine
