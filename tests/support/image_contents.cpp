#include "tests/support/image_contents.hpp"

#include <simdjson.h>

namespace regmigrate::testing {

namespace {

Error malformed(std::string_view what) {
    return make_error(ErrorKind::protocol, "manifest: " + std::string(what));
}

Expected<simdjson::dom::object> parse_object(simdjson::dom::parser& parser, std::string_view json) {
    simdjson::dom::object root;
    if (parser.parse(simdjson::padded_string(json)).get_object().get(root) != simdjson::SUCCESS) {
        return malformed("not a JSON object");
    }
    return root;
}

Expected<void> add_descriptor(simdjson::dom::element element, BlobSizes& out) {
    std::string_view digest;
    std::uint64_t size = 0;
    if (element["digest"].get_string().get(digest) != simdjson::SUCCESS ||
        element["size"].get_uint64().get(size) != simdjson::SUCCESS) {
        return malformed("descriptor without digest or size");
    }
    out.emplace(std::string(digest), size);
    return {};
}

// Platform is optional in an OCI index: an absent field stays empty.
std::string platform_field(simdjson::dom::element entry, std::string_view field) {
    std::string_view value;
    if (entry["platform"][field].get_string().get(value) != simdjson::SUCCESS) {
        return "";
    }
    return std::string(value);
}

}  // namespace

Expected<BlobSizes> manifest_blobs(std::string_view manifest_json) {
    simdjson::dom::parser parser;
    auto root = parse_object(parser, manifest_json);
    if (!root) {
        return root.error();
    }
    BlobSizes blobs;
    simdjson::dom::element config;
    if ((*root)["config"].get(config) == simdjson::SUCCESS) {
        if (auto added = add_descriptor(config, blobs); !added) {
            return added.error();
        }
    }
    simdjson::dom::array layers;
    if ((*root)["layers"].get_array().get(layers) == simdjson::SUCCESS) {
        for (simdjson::dom::element layer : layers) {
            if (auto added = add_descriptor(layer, blobs); !added) {
                return added.error();
            }
        }
    }
    return blobs;
}

Expected<std::vector<ChildManifest>> index_children(std::string_view index_json) {
    simdjson::dom::parser parser;
    auto root = parse_object(parser, index_json);
    if (!root) {
        return root.error();
    }
    std::vector<ChildManifest> children;
    simdjson::dom::array manifests;
    if ((*root)["manifests"].get_array().get(manifests) != simdjson::SUCCESS) {
        return children;
    }
    for (simdjson::dom::element entry : manifests) {
        std::string_view digest;
        if (entry["digest"].get_string().get(digest) != simdjson::SUCCESS) {
            return malformed("index entry without digest");
        }
        children.push_back({std::string(digest), platform_field(entry, "os"),
                            platform_field(entry, "architecture")});
    }
    return children;
}

Expected<BlobSizes> referenced_blobs(fleet::RegistryWriter& reader, std::string_view repository,
                                     std::string_view reference) {
    auto stored = reader.get_manifest(repository, reference);
    if (!stored) {
        return stored.error();
    }
    auto children = index_children(stored->bytes);
    if (!children) {
        return children.error();
    }
    if (children->empty()) {
        return manifest_blobs(stored->bytes);
    }
    BlobSizes all;
    for (const auto& child : *children) {
        auto blobs = referenced_blobs(reader, repository, child.digest);
        if (!blobs) {
            return blobs.error();
        }
        all.insert(blobs->begin(), blobs->end());
    }
    return all;
}

BlobSizes blobs_missing_from(const BlobSizes& all, const BlobSizes& known) {
    BlobSizes missing;
    for (const auto& [digest, size] : all) {
        if (!known.contains(digest)) {
            missing.emplace(digest, size);
        }
    }
    return missing;
}

}  // namespace regmigrate::testing
