// WWW-Authenticate values come from any registry we talk to, hostile ones included.
#include "registry/auth/auth_challenge.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cctype>

using regmigrate::fuzz::require;
using namespace regmigrate::registry;

namespace {

bool has_upper(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto challenges = parse_www_authenticate(regmigrate::fuzz::as_text(data, size));
    if (!challenges) {
        require(!challenges.error().message.empty(), "a refused header says why");
        return 0;
    }
    for (const auto& challenge : *challenges) {
        require(!challenge.scheme.empty(), "every challenge has a scheme");
        require(!has_upper(challenge.scheme), "schemes are lowercased");
        require(challenge.token68.empty() || challenge.params.empty(),
                "token68 and parameters exclude each other");
        for (const auto& [name, value] : challenge.params) {
            require(!name.empty(), "parameter names are not empty");
            require(!has_upper(name), "parameter names are lowercased");
            require(challenge.param(name) == value, "param() finds every parameter");
        }
    }
    return 0;
}
