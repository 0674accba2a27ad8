#include "registry/name/request_path.hpp"

#include <gtest/gtest.h>

namespace regmigrate::registry {
namespace {

TEST(RequestPath, ValidPathIsKeptAsWritten) {
    boost::urls::url url("https://registry.example");
    set_request_path(url, "/v2/team/app/manifests/sha256:0123abcd");
    EXPECT_EQ(url.encoded_path(), "/v2/team/app/manifests/sha256:0123abcd");
}

TEST(RequestPath, StrayPercentIsEscapedInsteadOfThrowing) {
    boost::urls::url url("https://registry.example");
    set_request_path(url, "/v2/team/app/manifests/v1%");
    EXPECT_EQ(url.encoded_path(), "/v2/team/app/manifests/v1%25");
}

TEST(RequestPath, BadEscapeIsEscapedInsteadOfThrowing) {
    boost::urls::url url("https://registry.example");
    set_request_path(url, "/v2/app/manifests/%zz");
    EXPECT_EQ(url.encoded_path(), "/v2/app/manifests/%25zz");
}

}  // namespace
}  // namespace regmigrate::registry
