// Files a reader must never see half-written (reports, markers): written next to their
// final name, flushed to disk, then renamed over it.
#pragma once

#include "transport/error.hpp"

#include <filesystem>
#include <string_view>

namespace regmigrate::engine {

// `what` names the file in the error ("report", "export marker").
Expected<void> replace_file_atomically(const std::filesystem::path& path, std::string_view contents,
                                       std::string_view what);

}  // namespace regmigrate::engine
