// Small text helpers the header and file parsers of every layer share.
#pragma once

#include <string_view>

namespace regmigrate::transport {

// text without the leading and trailing characters of `spaces` (HTTP's optional
// whitespace by default).
inline std::string_view trim(std::string_view text, std::string_view spaces = " \t") {
    const auto begin = text.find_first_not_of(spaces);
    if (begin == std::string_view::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(spaces) - begin + 1);
}

}  // namespace regmigrate::transport
