#include "tools/faultproxy/upload_part_check.hpp"

#include <gtest/gtest.h>

namespace regmigrate::faultproxy {
namespace {

constexpr std::uint64_t min_part = 5 * 1024 * 1024;
const std::string upload = "/v2/team/app/blobs/uploads/3f2a";
const std::string closing = upload + "?_state=abc&digest=sha256%3A00";

TEST(UploadPartCheck, LargePartsFollowedByASmallLastPartPass) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PATCH", upload, min_part));
    EXPECT_FALSE(check.check("PATCH", upload + "?_state=x", min_part + 1));
    EXPECT_FALSE(check.check("PATCH", upload + "?_state=y", 10));
    EXPECT_FALSE(check.check("PUT", closing, 0));
    EXPECT_EQ(check.uploads_in_progress(), 0u);
}

TEST(UploadPartCheck, APartAfterASmallOneIsRefused) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PATCH", upload, 1024));
    const auto refused = check.check("PATCH", upload + "?_state=x", 1024);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("1024 bytes was not the last"), std::string::npos);
}

TEST(UploadPartCheck, AClosingPutWithABodyAfterASmallPartIsRefused) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PATCH", upload, 1024));
    EXPECT_TRUE(check.check("PUT", closing, 1));
}

TEST(UploadPartCheck, AMonolithicPutOfAnySizePasses) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PUT", closing, 3));
}

TEST(UploadPartCheck, ACancelAfterASmallPartPassesAndForgetsTheUpload) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PATCH", upload, 1024));
    EXPECT_FALSE(check.check("DELETE", upload, 0));
    EXPECT_EQ(check.uploads_in_progress(), 0u);
}

TEST(UploadPartCheck, UploadsAreJudgedSeparately) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("PATCH", upload, 1024));
    EXPECT_FALSE(check.check("PATCH", "/v2/team/app/blobs/uploads/other", 1024));
    EXPECT_EQ(check.uploads_in_progress(), 2u);
}

TEST(UploadPartCheck, OtherRequestsAreNotLookedAt) {
    UploadPartCheck check(min_part);
    EXPECT_FALSE(check.check("POST", "/v2/team/app/blobs/uploads/", 1024));
    EXPECT_FALSE(check.check("PATCH", "/v2/team/app/manifests/v1", 1));
    EXPECT_FALSE(check.check("GET", upload, 0));
    EXPECT_EQ(check.uploads_in_progress(), 0u);
}

}  // namespace
}  // namespace regmigrate::faultproxy
