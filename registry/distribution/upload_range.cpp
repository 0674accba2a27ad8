#include "registry/distribution/upload_range.hpp"

#include "registry/distribution/registry_error.hpp"
#include "transport/text.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace regmigrate::registry {

namespace {

Error bad_range(std::string_view header, std::string_view why) {
    return make_error(ErrorKind::protocol, "bad upload Range " + quote_for_message(header, 100) +
                                               ": " + std::string(why));
}

}  // namespace

std::optional<std::uint64_t> parse_byte_count(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    // from_chars reads no sign or blank for unsigned types and reports overflow.
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

Expected<std::uint64_t> parse_upload_range(std::string_view range_header) {
    auto range = transport::trim(range_header);
    if (range.substr(0, 6) == "bytes=") {
        range = range.substr(6);
    }
    const auto dash = range.find('-');
    if (dash == std::string_view::npos) {
        return bad_range(range_header, "expected BEGIN-END");
    }
    const auto begin = parse_byte_count(range.substr(0, dash));
    const auto end = parse_byte_count(range.substr(dash + 1));
    if (!begin || !end) {
        return bad_range(range_header, "expected BEGIN-END");
    }
    // An upload is always received from byte 0 on; any other start is a broken session.
    if (*begin != 0) {
        return bad_range(range_header, "upload range does not start at 0");
    }
    // distribution reports size-1 clamped at 0, so "0-0" is sent both for an empty session
    // and for one holding a single byte. Resuming from 0 is always safe (the byte is sent
    // again); resuming from 1 would skip a byte of an empty session and corrupt the blob.
    if (*end == 0) {
        return 0;
    }
    if (*end == std::numeric_limits<std::uint64_t>::max()) {
        return bad_range(range_header, "range end out of bounds");
    }
    return *end + 1;
}

std::string content_range(std::uint64_t begin, std::uint64_t end_inclusive) {
    return std::to_string(begin) + "-" + std::to_string(end_inclusive);
}

std::uint64_t choose_chunk_size(std::uint64_t preferred,
                                std::optional<std::uint64_t> oci_chunk_min_length) {
    return std::max(preferred, oci_chunk_min_length.value_or(0));
}

}  // namespace regmigrate::registry
