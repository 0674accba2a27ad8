// What to do with docker schema1 images: --schema1 and the plan's schema1 key.
#pragma once

#include "transport/error.hpp"

#include <string_view>

namespace regmigrate::engine {

// --schema1 / the plan's schema1 key.
enum class Schema1Mode {
    keep,       // push schema1 as it is; a destination that refuses it fails the image
    convert,    // always push the schema2 conversion
    automatic,  // keep, and convert where the destination refuses schema1 (the default)
};
// keep | convert | auto; anything else is a usage error naming the value.
Expected<Schema1Mode> parse_schema1_mode(std::string_view text);
std::string_view to_string(Schema1Mode mode);

}  // namespace regmigrate::engine
