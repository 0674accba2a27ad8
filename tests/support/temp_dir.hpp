// A private directory under $TMPDIR (or /tmp), removed with everything in it on scope exit.
#pragma once

#include <filesystem>
#include <string>

namespace regmigrate::testing {

class TempDir {
  public:
    explicit TempDir(const std::string& stem = "regmigrate");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace regmigrate::testing
