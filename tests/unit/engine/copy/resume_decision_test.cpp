// Where the next attempt at a blob starts after a broken one (engine/copy/image_sink.hpp):
// only a chunked upload with a session, broken by anything but bad content, resumes from
// what the registry holds.
#include "engine/copy/image_sink.hpp"

#include <gtest/gtest.h>

namespace regmigrate::engine {
namespace {

TEST(ResumeFrom, BrokenChunkedUploadAsksTheRegistryForItsOffset) {
    EXPECT_EQ(resume_from(true, true, ErrorKind::network), ResumeFrom::registry_offset);
    EXPECT_EQ(resume_from(true, true, ErrorKind::timeout), ResumeFrom::registry_offset);
    EXPECT_EQ(resume_from(true, true, ErrorKind::http), ResumeFrom::registry_offset);
}

TEST(ResumeFrom, DamagedContentStartsAFreshUpload) {
    EXPECT_EQ(resume_from(true, true, ErrorKind::digest_mismatch), ResumeFrom::fresh_upload);
}

TEST(ResumeFrom, MonolithicUploadStartsAgain) {
    EXPECT_EQ(resume_from(true, false, ErrorKind::network), ResumeFrom::fresh_upload);
}

TEST(ResumeFrom, NoSessionStartsAFreshUpload) {
    EXPECT_EQ(resume_from(false, true, ErrorKind::network), ResumeFrom::fresh_upload);
}

TEST(UsableOffset, AnOffsetWithinTheBlobIsUsable) {
    EXPECT_TRUE(usable_offset(0, 10));
    EXPECT_TRUE(usable_offset(10, 10));
    EXPECT_FALSE(usable_offset(11, 10));
}

}  // namespace
}  // namespace regmigrate::engine
