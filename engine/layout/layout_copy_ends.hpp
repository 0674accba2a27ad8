// The two ends of `regmigrate copy`, each a registry repository or an OCI image layout
// (oci:DIR[:TAG]): what is connected or opened, the ImageSource and ImageSink the copier
// moves images between, and how records name images on each.
#pragma once

#include "engine/copy/image_copier.hpp"
#include "engine/layout/oci_layout_store.hpp"
#include "engine/run/copy_job.hpp"

#include <memory>
#include <string>
#include <vector>

namespace regmigrate::engine {

struct CopyEnds {
    std::unique_ptr<registry::RegistryClient> source_client;
    std::unique_ptr<registry::RegistryClient> destination_client;
    std::unique_ptr<OciLayoutStore> source_layout;
    std::unique_ptr<OciLayoutStore> destination_layout;  // created when absent
    std::unique_ptr<ImageSource> source;
    std::unique_ptr<ImageSink> destination;
    // The same ends when they are registries (for --referrers), else null.
    RegistryImageSource* source_registry = nullptr;
    RegistryImageSink* destination_registry = nullptr;

    // "host/repo:tag" or "oci:DIR:tag" ("@digest" for a digest).
    std::string source_name(const std::string& reference) const;
    std::string destination_name(const std::string& reference) const;
};

// The tag or digest the job's source (destination) names; "" for none.
std::string source_identifier(const CopyJob& job);
std::string destination_identifier(const CopyJob& job);

Expected<std::unique_ptr<CopyEnds>> open_copy_ends(const CopyJob& job,
                                                   boost::asio::any_io_executor executor,
                                                   metrics::Metrics& metrics);

// Every tag of the source: its tag list, or the layout's ref names.
boost::asio::awaitable<Expected<std::vector<std::string>>> list_source_tags(const CopyEnds& ends);

}  // namespace regmigrate::engine
