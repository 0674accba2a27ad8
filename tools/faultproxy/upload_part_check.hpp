// Amazon ECR's layer-part rule, enforced on the registry traffic passing through the proxy
// (the fake ECR of the tests has the real docker-registry behind this proxy): every part of
// a chunked blob upload but the last must be at least min_part bytes (5 MiB on ECR). A part
// is the body of a PATCH, or of the closing PUT, to one /v2/NAME/blobs/uploads/ID path.
// A small part is legal only as the last one, so the check fires on the part after it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace regmigrate::faultproxy {

class UploadPartCheck {
  public:
    explicit UploadPartCheck(std::uint64_t min_part) : min_part_(min_part) {}

    // Takes one request; the reason it breaks the rule, or nothing. `target` may carry a
    // query (the upload state); only its path names the upload.
    std::optional<std::string> check(std::string_view method, std::string_view target,
                                     std::uint64_t body_size);

    std::size_t uploads_in_progress() const { return last_part_.size(); }

  private:
    std::uint64_t min_part_;
    std::map<std::string, std::uint64_t, std::less<>> last_part_;  // upload path → last part
};

}  // namespace regmigrate::faultproxy
