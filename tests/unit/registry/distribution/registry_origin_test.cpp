// URLs a registry hands back (upload Locations) stay on its origin: check_registry_origin.
#include "registry/distribution/registry_client.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

const boost::urls::url registry_url("https://registry.test:5000/");

Expected<void> check(std::string_view target) {
    return check_registry_origin(boost::urls::url(target), registry_url, "upload Location");
}

TEST(RegistryOrigin, LocationOnTheRegistryIsAccepted) {
    EXPECT_TRUE(check("https://registry.test:5000/v2/app/blobs/uploads/1?_state=x"));
}

TEST(RegistryOrigin, HostNameCaseDoesNotMatter) {
    EXPECT_TRUE(check("https://REGISTRY.test:5000/v2/app/blobs/uploads/1"));
}

TEST(RegistryOrigin, LocationOnAnotherPortIsRefusedNamingBothOrigins) {
    auto checked = check("https://registry.test:6000/v2/app/blobs/uploads/1");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().kind, ErrorKind::protocol);
    EXPECT_NE(checked.error().message.find("https://registry.test:6000"), std::string::npos)
        << checked.error().message;
    EXPECT_NE(checked.error().message.find("https://registry.test:5000"), std::string::npos)
        << checked.error().message;
}

TEST(RegistryOrigin, LocationOnAnotherHostIsRefused) {
    EXPECT_FALSE(check("https://uploads.elsewhere.test:5000/v2/app/blobs/uploads/1"));
}

TEST(RegistryOrigin, DowngradeToPlainHttpIsRefused) {
    EXPECT_FALSE(check("http://registry.test:5000/v2/app/blobs/uploads/1"));
}

}  // namespace
}  // namespace regmigrate::registry
