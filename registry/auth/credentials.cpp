#include "registry/auth/credentials.hpp"

#include "transport/base64.hpp"

namespace regmigrate::registry {

std::string Credentials::basic_authorization() const {
    return "Basic " + base64_encode(username + ":" + password);
}

Expected<Credentials> parse_credentials(std::string_view text, std::string_view origin) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return make_error(ErrorKind::invalid_argument,
                          std::string(origin) + ": credentials must be USER:PASSWORD");
    }
    return Credentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

Expected<Credentials> parse_credentials_file(std::string_view contents, std::string_view origin) {
    if (contents.ends_with('\n'))
        contents.remove_suffix(1);
    if (contents.ends_with('\r'))
        contents.remove_suffix(1);
    if (contents.find_first_of("\r\n") != std::string_view::npos) {
        return make_error(ErrorKind::invalid_argument,
                          std::string(origin) + ": expected one line, USER:PASSWORD");
    }
    return parse_credentials(contents, origin);
}

}  // namespace regmigrate::registry
