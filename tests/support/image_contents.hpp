// What an image stored in a registry consists of, read with fleet::RegistryWriter and
// parsed here independently of the product's manifest code: the blobs a manifest
// references and the children of an index.
#pragma once

#include "tools/fleet/registry_writer.hpp"
#include "transport/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace regmigrate::testing {

// digest → size
using BlobSizes = std::map<std::string, std::uint64_t>;

struct ChildManifest {
    std::string digest;
    std::string os;
    std::string architecture;
};

// Config and layers of an image manifest; empty for an index.
Expected<BlobSizes> manifest_blobs(std::string_view manifest_json);
// Entries of a manifest list / OCI index; empty for an image manifest.
Expected<std::vector<ChildManifest>> index_children(std::string_view index_json);

// Every blob the image at repository:reference references, following an index to its
// children.
Expected<BlobSizes> referenced_blobs(fleet::RegistryWriter& reader, std::string_view repository,
                                     std::string_view reference);

// The entries of `all` whose digest is not in `known`.
BlobSizes blobs_missing_from(const BlobSizes& all, const BlobSizes& known);

}  // namespace regmigrate::testing
