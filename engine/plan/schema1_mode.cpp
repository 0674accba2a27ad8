#include "engine/plan/schema1_mode.hpp"

#include <string>

namespace regmigrate::engine {

Expected<Schema1Mode> parse_schema1_mode(std::string_view text) {
    if (text == "keep")
        return Schema1Mode::keep;
    if (text == "convert")
        return Schema1Mode::convert;
    if (text == "auto")
        return Schema1Mode::automatic;
    return make_error(ErrorKind::invalid_argument,
                      "schema1 must be keep, convert or auto, not \"" + std::string(text) + "\"");
}

std::string_view to_string(Schema1Mode mode) {
    switch (mode) {
        case Schema1Mode::keep:
            return "keep";
        case Schema1Mode::convert:
            return "convert";
        case Schema1Mode::automatic:
            break;
    }
    return "auto";
}

}  // namespace regmigrate::engine
