#include "registry/credentials.hpp"

#include <openssl/evp.h>

#include <vector>

namespace regmigrate::registry {

std::string base64_encode(std::string_view bytes) {
    std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

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

}  // namespace regmigrate::registry
