#include "engine/copy/verifying_blob_source.hpp"

#include <algorithm>

namespace regmigrate::engine {

namespace asio = boost::asio;

VerifyingBlobSource::VerifyingBlobSource(transport::ResponseStream& download, std::string digest,
                                         std::uint64_t size)
    : download_(&download), digest_(std::move(digest)), size_(size) {}

VerifyingBlobSource::VerifyingBlobSource(transport::BodySource& upstream, std::string digest,
                                         std::uint64_t size)
    : upstream_(&upstream), digest_(std::move(digest)), size_(size) {}

asio::awaitable<Expected<std::size_t>> VerifyingBlobSource::read_upstream(
    asio::mutable_buffer buffer) {
    if (download_)
        co_return co_await download_->read(buffer);
    co_return co_await upstream_->read(buffer);
}

asio::awaitable<Expected<std::size_t>> VerifyingBlobSource::read(asio::mutable_buffer buffer) {
    if (read_ == size_) {
        // Everything announced has been passed on; anything more is a lie about the size.
        std::array<char, 1> probe;
        auto extra = co_await read_upstream(asio::buffer(probe));
        if (!extra)
            co_return extra.error();
        if (*extra != 0) {
            co_return make_error(
                ErrorKind::digest_mismatch,
                "blob " + digest_ + " is longer than its " + std::to_string(size_) + " bytes");
        }
        co_return std::size_t{0};
    }
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size_ - read_));
    auto got = co_await read_upstream(asio::buffer(buffer.data(), want));
    if (!got)
        co_return got.error();
    if (*got == 0) {
        co_return make_error(ErrorKind::digest_mismatch, "blob " + digest_ + " ended after " +
                                                             std::to_string(read_) + " of " +
                                                             std::to_string(size_) + " bytes");
    }
    hash_.update(buffer.data(), *got);
    read_ += *got;
    if (read_ == size_) {
        const std::string actual = hash_.finish_digest();
        if (actual != digest_) {
            co_return make_error(ErrorKind::digest_mismatch,
                                 "blob " + digest_ + " content hashes to " + actual);
        }
    }
    co_return *got;
}

}  // namespace regmigrate::engine
