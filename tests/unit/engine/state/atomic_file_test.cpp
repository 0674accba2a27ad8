// replace_file_atomically: the one writer of reports, metrics textfiles and markers.
#include "engine/state/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace regmigrate::engine {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const fs::path& path) {
    struct stat status {};
    EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
    return status.st_mode & 07777;
}

class AtomicFile : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = fs::temp_directory_path() / "atomic-file-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(AtomicFile, WritesTheContentsOwnerOnly) {
    const auto path = dir_ / "report.json";
    ASSERT_TRUE(replace_file_atomically(path, "{}\n", "report"));
    EXPECT_EQ(read_file(path), "{}\n");
    EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(AtomicFile, ReplacedFileBecomesOwnerOnly) {
    const auto path = dir_ / "report.json";
    std::ofstream(path) << "old";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
    ASSERT_TRUE(replace_file_atomically(path, "new", "report"));
    EXPECT_EQ(read_file(path), "new");
    EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(AtomicFile, TemporaryNameIsBesideTheTargetAndNotAPromFile) {
    const auto temporary = atomic_temporary_path(dir_ / "regmigrate.prom");
    EXPECT_EQ(temporary.parent_path(), dir_);
    EXPECT_NE(temporary.extension(), ".prom");
}

TEST_F(AtomicFile, SymlinkPlantedAtTheTemporaryNameIsRefusedNotFollowed) {
    const auto path = dir_ / "report.json";
    const auto victim = dir_ / "victim";
    std::ofstream(victim) << "precious";
    fs::create_symlink(victim, atomic_temporary_path(path));
    const auto written = replace_file_atomically(path, "attacker-chosen", "report");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::io);
    EXPECT_NE(written.error().message.find(atomic_temporary_path(path).string()), std::string::npos)
        << written.error().message;
    EXPECT_EQ(read_file(victim), "precious");
    EXPECT_TRUE(fs::is_symlink(atomic_temporary_path(path)));
    EXPECT_FALSE(fs::exists(path));
}

TEST_F(AtomicFile, FilePlantedAtTheTemporaryNameIsLeftAlone) {
    const auto path = dir_ / "metrics.prom";
    std::ofstream(atomic_temporary_path(path)) << "someone else's";
    ASSERT_FALSE(replace_file_atomically(path, "x", "metrics file"));
    EXPECT_EQ(read_file(atomic_temporary_path(path)), "someone else's");
}

TEST_F(AtomicFile, SymlinkAtTheTargetIsReplacedNotWrittenThrough) {
    const auto path = dir_ / "report.json";
    const auto victim = dir_ / "victim";
    std::ofstream(victim) << "precious";
    fs::create_symlink(victim, path);
    ASSERT_TRUE(replace_file_atomically(path, "report", "report"));
    EXPECT_FALSE(fs::is_symlink(path));
    EXPECT_EQ(read_file(path), "report");
    EXPECT_EQ(read_file(victim), "precious");
}

TEST_F(AtomicFile, FailedRenameLeavesNoTemporaryBehind) {
    const auto path = dir_ / "report.json";
    fs::create_directories(path / "occupied");
    ASSERT_FALSE(replace_file_atomically(path, "x", "report"));
    EXPECT_FALSE(fs::exists(atomic_temporary_path(path)));
}

}  // namespace
}  // namespace regmigrate::engine
