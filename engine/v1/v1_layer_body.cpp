#include "engine/v1/v1_layer_body.hpp"

#include <algorithm>
#include <cstring>

namespace regmigrate::engine {

namespace asio = boost::asio;

V1LayerBody::V1LayerBody(transport::ResponseStream& layer, std::string image_id,
                         registry::GzipLimits limits, std::string expected_digest)
    : layer_(layer),
      image_id_(image_id),
      expected_digest_(std::move(expected_digest)),
      transcoder_(std::move(image_id), limits,
                  [this](std::string_view blob) { pending_.append(blob); }) {}

asio::awaitable<Expected<void>> V1LayerBody::refill() {
    pending_.clear();
    pending_at_ = 0;
    while (pending_.empty() && !done_) {
        auto got = co_await layer_.read(asio::buffer(chunk_));
        if (!got)
            co_return with_context(got.error(), "reading the layer of v1 image " + image_id_);
        if (*got == 0) {
            done_ = true;
            auto digests = transcoder_.finish();
            if (!digests)
                co_return digests.error();
            if (digests->digest != expected_digest_) {
                co_return make_error(ErrorKind::digest_mismatch,
                                     "layer " + image_id_ + " converted to " + digests->digest +
                                         " this time, not " + expected_digest_ +
                                         ": it changed at the source");
            }
            continue;
        }
        if (auto written = transcoder_.write(std::string_view(chunk_.data(), *got)); !written)
            co_return written.error();
    }
    co_return Expected<void>{};
}

asio::awaitable<Expected<std::size_t>> V1LayerBody::read(asio::mutable_buffer buffer) {
    if (pending_at_ == pending_.size()) {
        if (auto refilled = co_await refill(); !refilled)
            co_return refilled.error();
        if (pending_.empty())
            co_return std::size_t{0};
    }
    const std::size_t n = std::min(buffer.size(), pending_.size() - pending_at_);
    std::memcpy(buffer.data(), pending_.data() + pending_at_, n);
    pending_at_ += n;
    co_return n;
}

}  // namespace regmigrate::engine
