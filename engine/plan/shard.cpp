#include "engine/plan/shard.hpp"

#include <charconv>

namespace regmigrate::engine {

namespace {

constexpr std::uint64_t fnv_offset_basis = 14695981039346656037ull;
constexpr std::uint64_t fnv_prime = 1099511628211ull;

Error invalid(std::string_view text, const std::string& why) {
    return make_error(ErrorKind::invalid_argument,
                      "--shard '" + std::string(text) + "': " + why + " (expected I/N, e.g. 0/4)");
}

// The whole part must be decimal digits: from_chars stops quietly at "1x".
bool parse_number(std::string_view digits, std::size_t& value) {
    if (digits.empty() || digits.size() > 9)
        return false;
    const auto* end = digits.data() + digits.size();
    auto [stop, error] = std::from_chars(digits.data(), end, value);
    return error == std::errc{} && stop == end;
}

}  // namespace

std::uint64_t shard_hash(std::string_view destination_repository) {
    std::uint64_t hash = fnv_offset_basis;
    for (const char c : destination_repository) {
        hash ^= static_cast<unsigned char>(c);
        hash *= fnv_prime;
    }
    return hash;
}

bool Shard::owns(std::string_view destination_repository) const {
    return shard_hash(destination_repository) % count == index;
}

std::string Shard::to_string() const {
    return std::to_string(index) + "/" + std::to_string(count);
}

Expected<Shard> parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return invalid(text, "no '/'");
    Shard shard;
    if (!parse_number(text.substr(0, slash), shard.index)) {
        return invalid(text, "the index I is not a non-negative integer");
    }
    if (!parse_number(text.substr(slash + 1), shard.count)) {
        return invalid(text, "the count N is not a non-negative integer");
    }
    if (shard.count == 0)
        return invalid(text, "the count N must be at least 1");
    if (shard.index >= shard.count)
        return invalid(text, "the index I must be below the count N");
    return shard;
}

}  // namespace regmigrate::engine
