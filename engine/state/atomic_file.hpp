// The one way regmigrate writes a whole file another program reads (the --report JSON, the
// --metrics-file textfile, the same-host migration's export marker): a reader never sees
// it half-written, and nobody else can plant or read it.
//
// The contents go to a temporary file beside the final name, created exclusively
// (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600): a file or symlink already at the temporary
// name is refused, never followed or truncated. The file is fsynced, renamed over the
// final name (a symlink there is replaced, not followed), and the directory is fsynced so
// the rename survives a crash.
#pragma once

#include "transport/error.hpp"

#include <filesystem>
#include <functional>
#include <string_view>

namespace regmigrate::engine {

// Mode of every file regmigrate writes for itself: reports, journals, metrics, markers.
inline constexpr unsigned private_file_mode = 0600;

// `what` names the file in the error ("report", "export marker").
Expected<void> replace_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                       std::string_view what);
// The same, the contents written by write_contents into the temporary file's descriptor
// (contents too large to hold in memory); it returns false on failure, errno saying why.
Expected<void> replace_file_atomically(const std::filesystem::path& path,
                                       const std::function<bool(int fd)>& write_contents,
                                       std::string_view what);

// Where replace_file_atomically writes first: "<name>.<pid>.tmp" in the same directory (so
// the rename stays on one file system; never ending in .prom, which node_exporter's
// textfile collector would read).
std::filesystem::path atomic_temporary_path(const std::filesystem::path& path);

}  // namespace regmigrate::engine
