#include "engine/copy/image_verifier.hpp"

#include "registry/types/media_types.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;
using metrics::ImageOutcome;
using registry::RegistryClient;

namespace {

// The digest the destination should serve for the tag: the source's, or with a platform
// filter, that platform's child of the source's index (copy tags the child itself).
asio::awaitable<Expected<std::optional<std::string>>> expected_digest(
    RegistryClient& source, const ImageTask& task, const std::optional<std::string>& platform) {
    auto head = co_await source.head_manifest(task.source_repository, task.tag);
    if (!head)
        co_return head.error();
    if (!*head)
        co_return std::optional<std::string>{};
    if (!platform || !registry::is_index_media_type((*head)->media_type)) {
        co_return std::optional<std::string>{(*head)->digest};
    }
    auto index = co_await source.get_manifest(task.source_repository, (*head)->digest);
    if (!index)
        co_return index.error();
    for (const auto& child : index->manifest.manifests) {
        if (child.platform && child.platform->to_string() == *platform) {
            co_return std::optional<std::string>{child.digest};
        }
    }
    co_return make_error(ErrorKind::not_found, "source has no image for platform " + *platform);
}

// "" when everything the manifest references is present, else what is missing.
asio::awaitable<Expected<std::string>> first_missing(RegistryClient& destination,
                                                     const std::string& repository,
                                                     const std::string& digest) {
    auto manifest = co_await destination.get_manifest(repository, digest);
    if (!manifest) {
        if (manifest.error().kind == ErrorKind::not_found)
            co_return "manifest " + digest;
        co_return manifest.error();
    }
    for (const auto& child : manifest->manifest.manifests) {
        auto missing = co_await first_missing(destination, repository, child.digest);
        if (!missing || !missing->empty())
            co_return missing;
    }
    for (const auto& blob : manifest->manifest.blobs()) {
        if (registry::is_foreign_layer_media_type(blob.media_type))
            continue;
        auto size = co_await destination.blob_size(repository, blob.digest);
        if (!size)
            co_return size.error();
        if (!*size)
            co_return "blob " + blob.digest;
    }
    co_return std::string();
}

// The digest of the schema1 image source_digest's conversion when the destination serves
// that instead of the source's digest; nullopt when it serves neither.
asio::awaitable<Expected<std::optional<std::string>>> matching_conversion(
    RegistryClient& source, const ImageTask& task, const std::string& source_digest,
    const std::string& served, ImageCopier* copier) {
    if (!copier)
        co_return std::optional<std::string>();
    RegistryImageSource from(source, task.source_repository);
    auto converted = co_await copier->conversion_digest(from, source_digest);
    if (!converted)
        co_return converted.error();
    if (*converted && **converted == served)
        co_return converted;
    co_return std::optional<std::string>();
}

}  // namespace

asio::awaitable<VerifyOutcome> verify_image(RegistryClient& source, RegistryClient& destination,
                                            const ImageTask& task,
                                            const std::optional<std::string>& platform,
                                            ImageCopier* copier) {
    VerifyOutcome outcome;
    auto expected = co_await expected_digest(source, task, platform);
    if (!expected)
        co_return VerifyOutcome{ImageOutcome::failed, "", expected.error().message};
    if (!*expected)
        co_return VerifyOutcome{ImageOutcome::missing, "", "tag missing at the source"};
    outcome.digest = **expected;
    auto actual = co_await destination.head_manifest(task.destination_repository, task.tag);
    if (!actual)
        co_return VerifyOutcome{ImageOutcome::failed, outcome.digest, actual.error().message};
    if (!*actual)
        co_return VerifyOutcome{ImageOutcome::missing, outcome.digest,
                                "tag missing at the destination"};
    if ((*actual)->digest != outcome.digest) {
        auto converted =
            co_await matching_conversion(source, task, outcome.digest, (*actual)->digest, copier);
        if (!converted)
            co_return VerifyOutcome{ImageOutcome::failed, outcome.digest,
                                    converted.error().message};
        if (!*converted) {
            co_return VerifyOutcome{ImageOutcome::mismatched, outcome.digest,
                                    "destination serves " + (*actual)->digest};
        }
        outcome.source_digest = outcome.digest;
        outcome.digest = **converted;
    }
    auto missing = co_await first_missing(destination, task.destination_repository, outcome.digest);
    if (!missing)
        co_return VerifyOutcome{ImageOutcome::failed, outcome.digest, missing.error().message};
    if (!missing->empty()) {
        co_return VerifyOutcome{ImageOutcome::missing, outcome.digest,
                                *missing + " missing at the destination"};
    }
    outcome.status = ImageOutcome::matched;
    co_return outcome;
}

}  // namespace regmigrate::engine
