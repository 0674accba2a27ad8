#include "tools/faultproxy/upload_part_check.hpp"

namespace regmigrate::faultproxy {

namespace {

// The path of a blob upload session, or empty for any other request.
std::string_view upload_path(std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    constexpr std::string_view marker = "/blobs/uploads/";
    const auto at = path.find(marker);
    if (!path.starts_with("/v2/") || at == std::string_view::npos ||
        at + marker.size() == path.size())
        return {};
    return path;
}

}  // namespace

std::optional<std::string> UploadPartCheck::check(std::string_view method, std::string_view target,
                                                  std::uint64_t body_size) {
    const std::string_view path = upload_path(target);
    const bool part = method == "PATCH";
    const bool closing = method == "PUT" || method == "DELETE";
    if (path.empty() || (!part && !closing))
        return std::nullopt;
    std::optional<std::uint64_t> previous;
    if (const auto found = last_part_.find(path); found != last_part_.end()) {
        previous = found->second;
        if (closing)
            last_part_.erase(found);
        else
            found->second = body_size;
    } else if (part) {
        last_part_.emplace(std::string(path), body_size);
    }
    // DELETE cancels the upload, and a PUT without a body closes it after its last part.
    if (!previous || *previous >= min_part_ || method == "DELETE" || body_size == 0)
        return std::nullopt;
    return "upload part of " + std::to_string(*previous) +
           " bytes was not the last; every part but the last must be at least " +
           std::to_string(min_part_) + " bytes";
}

}  // namespace regmigrate::faultproxy
