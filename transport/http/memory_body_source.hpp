// A request body served from bytes already in memory (which must outlive it), in pieces of
// at most `piece` bytes: small bodies such as an image config, and tests that want a source
// to hand out its bytes unevenly, as a network source would.
#pragma once

#include "transport/http/http_message.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

namespace regmigrate::transport {

class MemoryBodySource final : public BodySource {
  public:
    explicit MemoryBodySource(std::string_view data,
                              std::size_t piece = std::numeric_limits<std::size_t>::max())
        : data_(data), piece_(piece) {}

    boost::asio::awaitable<Expected<std::size_t>> read(
        boost::asio::mutable_buffer buffer) override {
        const std::size_t n = std::min({buffer.size(), piece_, data_.size() - offset_});
        std::memcpy(buffer.data(), data_.data() + offset_, n);
        offset_ += n;
        co_return n;
    }

  private:
    std::string_view data_;
    std::size_t piece_;
    std::size_t offset_ = 0;
};

}  // namespace regmigrate::transport
