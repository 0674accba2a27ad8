#include "transport/http/read_body.hpp"

#include <algorithm>
#include <array>

namespace regmigrate::transport {

namespace asio = boost::asio;

Error body_too_large(std::string_view what, std::size_t max_bytes) {
    return make_error(ErrorKind::too_large,
                      std::string(what) + " exceeds " + std::to_string(max_bytes) + " bytes");
}

asio::awaitable<Expected<std::string>> read_to_string(BodySource& body, std::size_t max_bytes,
                                                      std::string what, std::size_t expected) {
    std::string bytes;
    bytes.reserve(std::min(expected, max_bytes));
    std::array<char, 16 * 1024> chunk;
    for (;;) {
        auto got = co_await body.read(asio::buffer(chunk));
        if (!got)
            co_return got.error();
        if (*got == 0)
            co_return bytes;
        if (bytes.size() + *got > max_bytes)
            co_return body_too_large(what, max_bytes);
        bytes.append(chunk.data(), *got);
    }
}

}  // namespace regmigrate::transport
