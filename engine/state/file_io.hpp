// Writing to a file descriptor, the one way every file regmigrate writes is filled (the
// journal, atomic whole-file writes, an OCI layout's blobs).
#pragma once

#include <string_view>

namespace regmigrate::engine {

// Writes all of data, going on after EINTR and short writes; false on any other failure
// (errno says which).
bool write_all(int fd, std::string_view data);

}  // namespace regmigrate::engine
