// make_private_directory: where journals and staging layouts live when no path is given.
#include "engine/state/state_directory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& path) {
    struct stat status {};
    EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
    return status.st_mode & 07777;
}

class PrivateDirectory : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = fs::temp_directory_path() / "state-directory-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(PrivateDirectory, IsCreatedOwnerOnlyWithItsParents) {
    const auto state = dir_ / "home" / ".local" / "state" / "regmigrate";
    ASSERT_TRUE(make_private_directory(state));
    EXPECT_TRUE(fs::is_directory(state));
    EXPECT_EQ(mode_of(state), 0700u);
}

TEST_F(PrivateDirectory, ExistingOneOfOursIsNarrowedToOwnerOnly) {
    const auto state = dir_ / "regmigrate";
    fs::create_directory(state);
    fs::permissions(state, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
    ASSERT_TRUE(make_private_directory(state));
    EXPECT_EQ(mode_of(state), 0700u);
}

TEST_F(PrivateDirectory, SymlinkPlantedAtTheNameIsRefusedNotFollowed) {
    const auto elsewhere = dir_ / "attacker-owned";
    fs::create_directory(elsewhere);
    fs::permissions(elsewhere, fs::perms::all);
    const auto state = dir_ / "regmigrate";
    fs::create_directory_symlink(elsewhere, state);
    const auto made = make_private_directory(state);
    ASSERT_FALSE(made);
    EXPECT_NE(made.error().message.find(state.string()), std::string::npos) << made.error().message;
    EXPECT_NE(made.error().message.find("symlink"), std::string::npos) << made.error().message;
    EXPECT_EQ(mode_of(elsewhere), 0777u);  // not touched through the link
}

TEST_F(PrivateDirectory, FileAtTheNameIsRefused) {
    const auto state = dir_ / "regmigrate";
    { std::ofstream(state.string()) << "x"; }
    EXPECT_FALSE(make_private_directory(state));
}

}  // namespace
}  // namespace regmigrate::engine
