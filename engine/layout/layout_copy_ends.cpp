#include "engine/layout/layout_copy_ends.hpp"

#include "engine/layout/layout_sink.hpp"
#include "engine/layout/layout_source.hpp"
#include "registry/content/digest.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

std::string layout_name(const OciLayoutStore& layout, const std::string& reference) {
    std::string name = "oci:" + layout.directory().string();
    if (reference.empty())
        return name;
    return name + (registry::is_valid_digest(reference) ? "@" : ":") + reference;
}

}  // namespace

std::string CopyEnds::source_name(const std::string& reference) const {
    if (source_layout)
        return layout_name(*source_layout, reference);
    return image_reference(source_client->host(), source_registry->repository(), reference);
}

std::string CopyEnds::destination_name(const std::string& reference) const {
    if (destination_layout)
        return layout_name(*destination_layout, reference);
    return image_reference(destination_client->host(), destination_registry->repository(),
                           reference);
}

std::string source_identifier(const CopyJob& job) {
    return job.source_layout ? job.source_layout->tag : job.source.identifier();
}

std::string destination_identifier(const CopyJob& job) {
    return job.destination_layout ? job.destination_layout->tag : job.destination.identifier();
}

Expected<std::unique_ptr<CopyEnds>> open_copy_ends(const CopyJob& job,
                                                   asio::any_io_executor executor,
                                                   metrics::Metrics& metrics) {
    auto ends = std::make_unique<CopyEnds>();
    if (job.source_layout) {
        auto layout = OciLayoutStore::open(job.source_layout->directory, false);
        if (!layout)
            return layout.error();
        ends->source_layout = std::move(*layout);
        ends->source = std::make_unique<LayoutImageSource>(*ends->source_layout);
    } else {
        auto client = connect(job.source_side, executor, metrics);
        if (!client)
            return client.error();
        ends->source_client = std::move(*client);
        auto registry =
            std::make_unique<RegistryImageSource>(*ends->source_client, job.source.repository);
        ends->source_registry = registry.get();
        ends->source = std::move(registry);
    }
    if (job.destination_layout) {
        auto layout = OciLayoutStore::open(job.destination_layout->directory, true);
        if (!layout)
            return layout.error();
        ends->destination_layout = std::move(*layout);
        ends->destination = std::make_unique<LayoutImageSink>(*ends->destination_layout, metrics);
    } else {
        auto client = connect(job.destination_side, executor, metrics);
        if (!client)
            return client.error();
        ends->destination_client = std::move(*client);
        auto registry = std::make_unique<RegistryImageSink>(*ends->destination_client,
                                                            job.destination.repository);
        ends->destination_registry = registry.get();
        ends->destination = std::move(registry);
    }
    return ends;
}

asio::awaitable<Expected<std::vector<std::string>>> list_source_tags(const CopyEnds& ends) {
    if (!ends.source_layout)
        co_return co_await ends.source_client->list_tags(ends.source_registry->repository());
    auto index = ends.source_layout->read_index();
    if (!index)
        co_return index.error();
    co_return index->ref_names();
}

}  // namespace regmigrate::engine
