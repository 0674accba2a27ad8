#include "tools/fleet/image_builder.hpp"

#include "tools/fleet/codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace regmigrate::fleet {

namespace {

boost::json::object descriptor_json(const Descriptor& descriptor) {
    return {{"mediaType", descriptor.media_type},
            {"digest", descriptor.digest},
            {"size", descriptor.size}};
}

Descriptor describe(std::string media_type, const std::string& bytes) {
    return Descriptor{std::move(media_type), sha256_digest(bytes), bytes.size()};
}

std::string image_config(const ImageSpec& spec) {
    boost::json::array diff_ids;
    boost::json::array history;
    for (const auto& layer : spec.layers) {
        diff_ids.emplace_back(layer.digest);
        history.emplace_back(
            boost::json::object{{"created", default_created}, {"created_by", "regmigrate fleet"}});
    }
    // Keys in this order, as ever: the config's bytes, and so every fleet digest, stay put.
    boost::json::object config{{"architecture", spec.platform.architecture},
                               {"os", spec.platform.os}};
    if (!spec.created.empty())
        config["created"] = spec.created;
    config["config"] = boost::json::object{{"Env", boost::json::array{"PATH=/usr/bin:/bin"}}};
    config["rootfs"] = boost::json::object{{"type", "layers"}, {"diff_ids", std::move(diff_ids)}};
    config["history"] = std::move(history);
    return boost::json::serialize(config);
}

}  // namespace

const char* layer_media_type(ManifestFormat format) {
    return format == ManifestFormat::oci ? media_type::oci_layer : media_type::docker_layer;
}

const char* manifest_media_type(ManifestFormat format) {
    return format == ManifestFormat::oci ? media_type::oci_manifest : media_type::docker_manifest;
}

const char* index_media_type(ManifestFormat format) {
    return format == ManifestFormat::oci ? media_type::oci_index : media_type::docker_list;
}

BuiltImage build_image(const ImageSpec& spec) {
    BuiltImage image;
    image.config = image_config(spec);
    image.config_descriptor = describe(
        spec.format == ManifestFormat::oci ? media_type::oci_config : media_type::docker_config,
        image.config);
    boost::json::array layers;
    for (const auto& layer : spec.layers) {
        layers.emplace_back(
            descriptor_json(Descriptor{layer_media_type(spec.format), layer.digest, layer.size}));
    }
    const boost::json::object manifest{{"schemaVersion", 2},
                                       {"mediaType", manifest_media_type(spec.format)},
                                       {"config", descriptor_json(image.config_descriptor)},
                                       {"layers", std::move(layers)}};
    image.manifest = boost::json::serialize(manifest);
    image.manifest_descriptor = describe(manifest_media_type(spec.format), image.manifest);
    return image;
}

BuiltIndex build_index(ManifestFormat format, const std::vector<IndexEntry>& entries) {
    boost::json::array manifests;
    for (const auto& entry : entries) {
        auto child = descriptor_json(entry.manifest);
        child["platform"] = boost::json::object{{"architecture", entry.platform.architecture},
                                                {"os", entry.platform.os}};
        manifests.emplace_back(std::move(child));
    }
    const boost::json::object index{{"schemaVersion", 2},
                                    {"mediaType", index_media_type(format)},
                                    {"manifests", std::move(manifests)}};
    BuiltIndex built;
    built.bytes = boost::json::serialize(index);
    built.descriptor = describe(index_media_type(format), built.bytes);
    return built;
}

}  // namespace regmigrate::fleet
