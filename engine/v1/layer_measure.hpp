// The blob digest, size and diff_id of a layer, learnt by streaming it once through a
// V1LayerTranscoder: a v1 registry's layer body and a schema1 image's gzip blob alike, so
// both conversions to schema2 hash uncompressed layers the same way.
#pragma once

#include "registry/v1/v1_layer_transcoder.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>

#include <array>
#include <string>

namespace regmigrate::engine {

// body: anything with `awaitable<Expected<std::size_t>> read(mutable_buffer)` answering 0
// at the end (a ResponseStream, a VerifyingBlobSource). name: the v1 image ID or the blob
// digest, which errors name.
template <class Body>
boost::asio::awaitable<Expected<registry::V1LayerDigests>> measure_layer(
    Body& body, const std::string& name, registry::GzipLimits limits) {
    registry::V1LayerTranscoder transcoder(name, limits);
    std::array<char, 64 * 1024> chunk;
    for (;;) {
        auto got = co_await body.read(boost::asio::buffer(chunk));
        if (!got)
            co_return with_context(got.error(), "reading layer " + name);
        if (*got == 0)
            break;
        if (auto written = transcoder.write(std::string_view(chunk.data(), *got)); !written)
            co_return written.error();
    }
    co_return transcoder.finish();
}

}  // namespace regmigrate::engine
