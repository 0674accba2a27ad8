#include "registry/content/gzip_stream.hpp"

#include <boost/iostreams/concepts.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/operations.hpp>

#include <optional>

namespace regmigrate::registry {

namespace io = boost::iostreams;

namespace {

// The device the filters write into: hands every piece to a callback.
class CallbackDevice : public io::sink {
  public:
    explicit CallbackDevice(std::function<void(std::string_view)>* target) : target_(target) {}
    std::streamsize write(const char* data, std::streamsize n) {
        (*target_)(std::string_view(data, static_cast<std::size_t>(n)));
        return n;
    }

  private:
    std::function<void(std::string_view)>* target_;
};

// Thrown by the decompressor's device through the filter when a bound is passed.
struct BoundPassed {
    std::string message;
};

std::string gzip_failure(const io::gzip_error& error) {
    switch (error.error()) {
        case io::gzip::bad_header:
            return "corrupt gzip data: bad header";
        case io::gzip::bad_footer:
            return "corrupt gzip data: truncated, or its trailer is wrong";
        case io::gzip::bad_crc:
        case io::gzip::bad_length:
            return "corrupt gzip data: checksum or length mismatch";
        default:
            return "corrupt gzip data (zlib error " + std::to_string(error.zlib_error_code()) + ")";
    }
}

}  // namespace

bool has_gzip_magic(std::string_view data) {
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
           static_cast<unsigned char>(data[1]) == 0x8b;
}

struct GzipCompressor::Impl {
    explicit Impl(ByteSink given, int level)
        : sink(std::move(given)), filter(io::gzip_params(level)), device(&sink) {}
    ByteSink sink;
    io::gzip_compressor filter;
    CallbackDevice device;
    bool finished = false;
};

GzipCompressor::GzipCompressor(ByteSink sink, int level)
    : impl_(std::make_unique<Impl>(std::move(sink), level)) {}
GzipCompressor::~GzipCompressor() = default;

void GzipCompressor::write(std::string_view data) {
    if (!data.empty())
        io::write(impl_->filter, impl_->device, data.data(),
                  static_cast<std::streamsize>(data.size()));
}

void GzipCompressor::finish() {
    if (impl_->finished)
        return;
    impl_->finished = true;
    io::close(impl_->filter, impl_->device, std::ios_base::out);
}

struct GzipDecompressor::Impl {
    Impl(ByteSink given, GzipLimits bounds)
        : sink(std::move(given)),
          limits(bounds),
          counting([this](std::string_view piece) {
              out += piece.size();
              check_bounds();
              sink(piece);
          }),
          device(&counting) {}

    void check_bounds() const {
        if (out > limits.max_output) {
            throw BoundPassed{"gzip bomb: decompresses past " + std::to_string(limits.max_output) +
                              " bytes"};
        }
        // in can lag: the filter holds a buffer of input not yet counted as consumed.
        if (out > limits.ratio_floor && in > 0 && out / in > limits.max_ratio) {
            throw BoundPassed{"gzip bomb: " + std::to_string(in) + " bytes expand to more than " +
                              std::to_string(out) + " (over " + std::to_string(limits.max_ratio) +
                              ":1)"};
        }
    }

    // Runs a filter operation, turning its exceptions into the stored failure.
    template <class Operation>
    Expected<void> guarded(Operation operation) {
        if (failure)
            return *failure;
        try {
            operation();
            return {};
        } catch (const BoundPassed& passed) {
            failure = make_error(ErrorKind::too_large, passed.message);
        } catch (const io::gzip_error& error) {
            failure = make_error(ErrorKind::protocol, gzip_failure(error));
        }
        return *failure;
    }

    ByteSink sink;
    GzipLimits limits;
    std::function<void(std::string_view)> counting;
    io::gzip_decompressor filter;
    CallbackDevice device;
    std::uint64_t in = 0;
    std::uint64_t out = 0;
    std::optional<Error> failure;
    bool finished = false;
};

GzipDecompressor::GzipDecompressor(ByteSink sink, GzipLimits limits)
    : impl_(std::make_unique<Impl>(std::move(sink), limits)) {}
GzipDecompressor::~GzipDecompressor() = default;

Expected<void> GzipDecompressor::write(std::string_view data) {
    return impl_->guarded([&] {
        impl_->in += data.size();
        if (!data.empty()) {
            io::write(impl_->filter, impl_->device, data.data(),
                      static_cast<std::streamsize>(data.size()));
        }
    });
}

Expected<void> GzipDecompressor::finish() {
    if (impl_->finished)
        return impl_->failure ? Expected<void>(*impl_->failure) : Expected<void>{};
    impl_->finished = true;
    return impl_->guarded([&] { io::close(impl_->filter, impl_->device, std::ios_base::out); });
}

std::uint64_t GzipDecompressor::bytes_in() const {
    return impl_->in;
}
std::uint64_t GzipDecompressor::bytes_out() const {
    return impl_->out;
}

}  // namespace regmigrate::registry
