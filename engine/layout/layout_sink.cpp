#include "engine/layout/layout_sink.hpp"

#include "engine/layout/layout_source.hpp"
#include "registry/layout/oci_layout_index.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

// Each attempt reads the blob afresh into a fresh temporary file, renamed into place only
// when whole and verified: there is nothing to resume or clean up.
class LayoutBlobWriter final : public BlobWriter {
  public:
    LayoutBlobWriter(OciLayoutStore& layout, std::string digest, std::uint64_t size)
        : layout_(layout), digest_(std::move(digest)), size_(size) {}

    asio::awaitable<Expected<void>> attempt(ImageSource& source,
                                            const std::optional<Error>&) override {
        auto blob = co_await source.open_blob(digest_, size_);
        if (!blob)
            co_return blob.error();
        auto written = co_await layout_.write_blob(digest_, size_, (*blob)->body());
        if (!written)
            co_return written.error();
        co_return Expected<void>{};
    }

    asio::awaitable<void> abandon() override { co_return; }

  private:
    OciLayoutStore& layout_;
    std::string digest_;
    std::uint64_t size_;
};

}  // namespace

std::string LayoutImageSink::describe() const {
    return "oci:" + layout_.directory().string();
}

asio::awaitable<Expected<std::optional<registry::ManifestHead>>> LayoutImageSink::tag_digest(
    std::string tag) {
    co_return layout_tag(layout_, tag);
}

asio::awaitable<Expected<bool>> LayoutImageSink::has_blob(std::string digest, std::uint64_t size) {
    auto existing = layout_.blob_size(digest);
    if (!existing)
        co_return existing.error();
    co_return *existing&&** existing == size;
}

std::unique_ptr<BlobWriter> LayoutImageSink::writer(std::string digest, std::uint64_t size,
                                                    std::optional<registry::UploadSession>) {
    return std::make_unique<LayoutBlobWriter>(layout_, std::move(digest), size);
}

asio::awaitable<Expected<void>> LayoutImageSink::put_manifest(std::string_view media_type,
                                                              const std::string& digest,
                                                              const std::string& bytes,
                                                              const std::string& target,
                                                              bool root) {
    auto written = layout_.write_bytes(digest, bytes);
    if (!written)
        co_return written.error();
    metrics_.add_bytes_transferred(*written);
    if (!root)
        co_return Expected<void>{};
    registry::OciLayoutEntry entry{std::string(media_type), digest, bytes.size(), {}};
    if (!target.empty())
        entry.annotations.emplace(registry::oci_ref_name_annotation, target);
    co_return layout_.update_index(std::move(entry));
}

}  // namespace regmigrate::engine
