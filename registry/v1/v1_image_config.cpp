#include "registry/v1/v1_image_config.hpp"

#include "registry/content/sha256.hpp"
#include "registry/types/media_types.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>

namespace regmigrate::registry {

namespace json = boost::json;

namespace {

// Keys of the v1 image JSON that have no place in a v2 config (docker dropped the same).
constexpr std::array<std::string_view, 6> v1_only_keys{"id",        "parent",   "Size",
                                                       "parent_id", "layer_id", "throwaway"};

// Objects re-emitted with their keys sorted, at every depth, for a stable digest.
json::value sorted(const json::value& value) {
    if (const auto* object = value.if_object()) {
        std::vector<const json::key_value_pair*> fields;
        for (const auto& field : *object)
            fields.push_back(&field);
        std::sort(fields.begin(), fields.end(),
                  [](const auto* a, const auto* b) { return a->key() < b->key(); });
        json::object out;
        for (const auto* field : fields)
            out[field->key()] = sorted(field->value());
        return out;
    }
    if (const auto* array = value.if_array()) {
        json::array out;
        for (const auto& item : *array)
            out.push_back(sorted(item));
        return out;
    }
    return value;
}

json::object history_entry(const V1Image& image, bool empty) {
    json::object entry;
    if (!image.created.empty())
        entry["created"] = image.created;
    if (!image.author.empty())
        entry["author"] = image.author;
    if (!image.created_by.empty())
        entry["created_by"] = image.created_by;
    if (!image.comment.empty())
        entry["comment"] = image.comment;
    if (empty)
        entry["empty_layer"] = true;
    return entry;
}

json::object descriptor(std::string_view type, std::uint64_t size, const std::string& digest) {
    json::object out;
    out["mediaType"] = type;
    out["size"] = size;
    out["digest"] = digest;
    return out;
}

}  // namespace

Expected<V1ConvertedImage> convert_v1_image(const std::vector<V1Image>& chain,
                                            const std::vector<V1LayerDigests>& layers) {
    if (chain.empty() || chain.size() != layers.size()) {
        return make_error(ErrorKind::invalid_argument,
                          "a v1 image chain needs one layer per image");
    }
    json::object config = chain.back().json;
    for (auto key : v1_only_keys)
        config.erase(key);
    if (!config.contains("architecture"))
        config["architecture"] = "amd64";
    if (!config.contains("os"))
        config["os"] = "linux";
    json::array diff_ids;
    json::array history;
    json::array manifest_layers;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        history.push_back(history_entry(chain[i], layers[i].empty));
        if (layers[i].empty)
            continue;
        diff_ids.push_back(json::string(layers[i].diff_id));
        manifest_layers.push_back(
            descriptor(media_type::docker_layer, layers[i].size, layers[i].digest));
    }
    config["rootfs"] = json::object{{"type", "layers"}, {"diff_ids", std::move(diff_ids)}};
    config["history"] = std::move(history);

    V1ConvertedImage image;
    image.config = json::serialize(sorted(config));
    image.config_digest = sha256_digest(image.config);
    json::object manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = media_type::docker_manifest;
    manifest["config"] =
        descriptor(media_type::docker_config, image.config.size(), image.config_digest);
    manifest["layers"] = std::move(manifest_layers);
    image.manifest = json::serialize(manifest);
    image.digest = sha256_digest(image.manifest);
    return image;
}

}  // namespace regmigrate::registry
