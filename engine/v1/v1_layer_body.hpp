// The body of an upload that is a v1 layer converted on the fly: reads GET
// /v1/images/ID/layer, passes it through a V1LayerTranscoder and hands out the blob bytes.
// Holds one read buffer and what the transcoder produced from it, never the layer. At the
// end the blob must hash to what a first pass measured, or the upload fails before commit.
#pragma once

#include "registry/v1/v1_layer_transcoder.hpp"
#include "transport/http/response_stream.hpp"

#include <array>

namespace regmigrate::engine {

class V1LayerBody final : public transport::BodySource {
  public:
    V1LayerBody(transport::ResponseStream& layer, std::string image_id, registry::GzipLimits limits,
                std::string expected_digest);

    boost::asio::awaitable<Expected<std::size_t>> read(boost::asio::mutable_buffer buffer) override;

  private:
    // Reads and transcodes until there is output or the layer ended.
    boost::asio::awaitable<Expected<void>> refill();

    transport::ResponseStream& layer_;
    std::string image_id_;
    std::string expected_digest_;
    std::string pending_;  // blob bytes not yet handed out, from pending_at_ on
    std::size_t pending_at_ = 0;
    registry::V1LayerTranscoder transcoder_;
    std::array<char, 64 * 1024> chunk_{};
    bool done_ = false;
};

}  // namespace regmigrate::engine
