// The body of a blob upload, read from the source registry's GET response (or from any
// other body, such as a file of an OCI layout) and hashed as it flows. The last piece is
// held back until the hash matches, so a corrupt blob is never fully sent and the
// destination cannot commit it.
#pragma once

#include "registry/content/sha256.hpp"
#include "transport/http/response_stream.hpp"

#include <string>

namespace regmigrate::engine {

class VerifyingBlobSource final : public transport::BodySource {
  public:
    VerifyingBlobSource(transport::ResponseStream& download, std::string digest,
                        std::uint64_t size);
    VerifyingBlobSource(transport::BodySource& upstream, std::string digest, std::uint64_t size);

    boost::asio::awaitable<Expected<std::size_t>> read(boost::asio::mutable_buffer buffer) override;

    std::uint64_t bytes_read() const { return read_; }

  private:
    boost::asio::awaitable<Expected<std::size_t>> read_upstream(boost::asio::mutable_buffer buffer);

    // Exactly one is set.
    transport::ResponseStream* download_ = nullptr;
    transport::BodySource* upstream_ = nullptr;
    std::string digest_;
    std::uint64_t size_;
    std::uint64_t read_ = 0;
    registry::Sha256 hash_;
};

}  // namespace regmigrate::engine
