#include "registry/v1/v1_layer_transcoder.hpp"

#include <algorithm>

namespace regmigrate::registry {

V1LayerTranscoder::V1LayerTranscoder(std::string image_id, GzipLimits limits, ByteSink blob)
    : image_id_(std::move(image_id)), limits_(limits), blob_(std::move(blob)) {}

Error V1LayerTranscoder::named(const Error& error) const {
    return with_context(error, "layer " + image_id_);
}

void V1LayerTranscoder::emit(std::string_view blob) {
    blob_hash_.update(blob);
    blob_size_ += blob.size();
    if (blob_)
        blob_(blob);
}

void V1LayerTranscoder::tar(std::string_view uncompressed) {
    tar_hash_.update(uncompressed);
    if (all_zero_)
        all_zero_ =
            std::all_of(uncompressed.begin(), uncompressed.end(), [](char c) { return c == 0; });
}

Expected<void> V1LayerTranscoder::start(std::string_view data) {
    head_.append(data);
    if (head_.size() < 2)
        return {};
    if (has_gzip_magic(head_)) {
        decompressor_.emplace([this](std::string_view piece) { tar(piece); }, limits_);
    } else {
        compressor_.emplace([this](std::string_view piece) { emit(piece); });
    }
    std::string held = std::move(head_);
    head_.clear();
    return write(held);
}

Expected<void> V1LayerTranscoder::write(std::string_view data) {
    if (compressor_) {
        tar(data);
        compressor_->write(data);
        return {};
    }
    if (decompressor_) {
        emit(data);
        if (auto written = decompressor_->write(data); !written)
            return named(written.error());
        return {};
    }
    return start(data);
}

Expected<V1LayerDigests> V1LayerTranscoder::finish() {
    // Fewer than two bytes: too short for gzip, so a (broken or empty) plain tar.
    if (!compressor_ && !decompressor_) {
        std::string held = std::move(head_);
        head_.clear();
        compressor_.emplace([this](std::string_view piece) { emit(piece); });
        (void)write(held);
    }
    if (compressor_) {
        compressor_->finish();
    } else if (auto finished = decompressor_->finish(); !finished) {
        return named(finished.error());
    }
    V1LayerDigests digests;
    digests.digest = blob_hash_.finish_digest();
    digests.diff_id = tar_hash_.finish_digest();
    digests.size = blob_size_;
    digests.empty = all_zero_;
    return digests;
}

}  // namespace regmigrate::registry
