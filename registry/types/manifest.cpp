#include "registry/types/manifest.hpp"

#include "registry/content/digest.hpp"
#include "registry/distribution/registry_error.hpp"
#include "registry/types/media_types.hpp"

#include <simdjson.h>

#include <algorithm>
#include <unordered_set>

namespace regmigrate::registry {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Error invalid(const std::string& why) {
    return make_error(ErrorKind::protocol, "invalid manifest: " + why);
}

Error unsupported(std::string_view media_type) {
    return make_error(ErrorKind::unsupported,
                      "unsupported manifest media type " + quote_for_message(media_type, 100));
}

std::string field_path(std::string_view where, std::string_view key) {
    return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}

// Parsers that keep the first and the last of a repeated key would see different images.
Expected<void> reject_repeated_keys(object obj, std::string_view where) {
    std::vector<std::string_view> keys;
    for (auto field : obj) {
        keys.push_back(field.key);
    }
    std::sort(keys.begin(), keys.end());
    if (const auto it = std::adjacent_find(keys.begin(), keys.end()); it != keys.end()) {
        return invalid("key " + quote_for_message(*it, 100) + " repeated" +
                       (where.empty() ? "" : " in " + std::string(where)));
    }
    return {};
}

Expected<std::optional<element>> optional_field(object obj, std::string_view where,
                                                std::string_view key) {
    element value;
    const auto error = obj[key].get(value);
    if (error == simdjson::NO_SUCH_FIELD) {
        return std::optional<element>();
    }
    if (error != simdjson::SUCCESS) {
        return invalid(field_path(where, key) + " unreadable");
    }
    return std::optional<element>(value);
}

// A string member: "" when absent, an error when of another type.
Expected<std::string_view> string_field(object obj, std::string_view where, std::string_view key) {
    auto field = optional_field(obj, where, key);
    if (!field) {
        return field.error();
    }
    std::string_view value;
    if (*field && (*field)->get_string().get(value) != simdjson::SUCCESS) {
        return invalid(field_path(where, key) + " is not a string");
    }
    return value;
}

Expected<object> object_value(element value, const std::string& where) {
    object obj;
    if (value.get_object().get(obj) != simdjson::SUCCESS) {
        return invalid(where + " is not an object");
    }
    if (auto unique = reject_repeated_keys(obj, where); !unique) {
        return unique.error();
    }
    return obj;
}

Expected<std::optional<Platform>> parse_platform(object descriptor, const std::string& where) {
    auto field = optional_field(descriptor, where, "platform");
    if (!field) {
        return field.error();
    }
    if (!*field) {
        return std::optional<Platform>();
    }
    const auto path = field_path(where, "platform");
    auto obj = object_value(**field, path);
    if (!obj) {
        return obj.error();
    }
    Platform platform;
    for (auto [key, target] :
         {std::pair{"os", &platform.os}, std::pair{"architecture", &platform.architecture},
          std::pair{"variant", &platform.variant}}) {
        auto value = string_field(*obj, path, key);
        if (!value) {
            return value.error();
        }
        *target = std::string(*value);
    }
    if (platform.os.empty() || platform.architecture.empty()) {
        return invalid(path + " needs os and architecture");
    }
    return std::optional<Platform>(std::move(platform));
}

Expected<std::vector<std::string>> parse_urls(object descriptor, const std::string& where) {
    std::vector<std::string> urls;
    auto field = optional_field(descriptor, where, "urls");
    if (!field) {
        return field.error();
    }
    if (!*field) {
        return urls;
    }
    simdjson::dom::array array;
    if ((*field)->get_array().get(array) != simdjson::SUCCESS) {
        return invalid(field_path(where, "urls") + " is not an array");
    }
    for (auto entry : array) {
        std::string_view url;
        if (entry.get_string().get(url) != simdjson::SUCCESS) {
            return invalid(field_path(where, "urls") + " holds a non-string");
        }
        urls.emplace_back(url);
    }
    return urls;
}

// An OCI / docker schema2 descriptor: mediaType, digest and size are all required.
Expected<Descriptor> parse_descriptor(element value, const std::string& where) {
    auto obj = object_value(value, where);
    if (!obj) {
        return obj.error();
    }
    Descriptor descriptor;
    auto media_type = string_field(*obj, where, "mediaType");
    if (!media_type) {
        return media_type.error();
    }
    if (media_type->empty()) {
        return invalid(where + " has no mediaType");
    }
    descriptor.media_type = std::string(*media_type);
    auto digest = string_field(*obj, where, "digest");
    if (!digest) {
        return digest.error();
    }
    if (!is_valid_digest(*digest)) {
        return invalid(where + " has an invalid digest " + quote_for_message(*digest, 150));
    }
    descriptor.digest = std::string(*digest);
    auto size = optional_field(*obj, where, "size");
    if (!size) {
        return size.error();
    }
    if (!*size) {
        return invalid(where + " has no size");
    }
    if ((*size)->get_uint64().get(descriptor.size) != simdjson::SUCCESS) {
        return invalid(where + " size is not a non-negative integer");
    }
    auto artifact_type = string_field(*obj, where, "artifactType");
    if (!artifact_type) {
        return artifact_type.error();
    }
    descriptor.artifact_type = std::string(*artifact_type);
    auto platform = parse_platform(*obj, where);
    if (!platform) {
        return platform.error();
    }
    descriptor.platform = std::move(*platform);
    auto urls = parse_urls(*obj, where);
    if (!urls) {
        return urls.error();
    }
    descriptor.urls = std::move(*urls);
    return descriptor;
}

Expected<std::optional<Descriptor>> optional_descriptor(object document, std::string_view key) {
    auto field = optional_field(document, "", key);
    if (!field) {
        return field.error();
    }
    if (!*field) {
        return std::optional<Descriptor>();
    }
    auto descriptor = parse_descriptor(**field, std::string(key));
    if (!descriptor) {
        return descriptor.error();
    }
    return std::optional<Descriptor>(std::move(*descriptor));
}

Expected<simdjson::dom::array> required_array(object document, std::string_view key) {
    auto field = optional_field(document, "", key);
    if (!field) {
        return field.error();
    }
    simdjson::dom::array array;
    if (!*field || (*field)->get_array().get(array) != simdjson::SUCCESS) {
        return invalid("\"" + std::string(key) + "\" must be an array");
    }
    return array;
}

Expected<std::vector<Descriptor>> descriptor_list(object document, std::string_view key) {
    auto array = required_array(document, key);
    if (!array) {
        return array.error();
    }
    std::vector<Descriptor> out;
    std::size_t index = 0;
    for (auto entry : *array) {
        auto descriptor =
            parse_descriptor(entry, std::string(key) + "[" + std::to_string(index++) + "]");
        if (!descriptor) {
            return descriptor.error();
        }
        out.push_back(std::move(*descriptor));
    }
    return out;
}

Expected<void> parse_image(object document, Manifest& manifest) {
    auto config = optional_descriptor(document, "config");
    if (!config) {
        return config.error();
    }
    if (!*config) {
        return invalid("image manifest has no config");
    }
    manifest.config = std::move(*config);
    auto layers = descriptor_list(document, "layers");
    if (!layers) {
        return layers.error();
    }
    manifest.layers = std::move(*layers);
    return {};
}

Expected<void> parse_index(object document, Manifest& manifest) {
    auto children = descriptor_list(document, "manifests");
    if (!children) {
        return children.error();
    }
    for (const auto& child : *children) {
        // An index may point at artifacts; anything else we could not fetch as a manifest.
        if (!is_manifest_media_type(child.media_type) && child.artifact_type.empty()) {
            return unsupported(child.media_type);
        }
    }
    manifest.manifests = std::move(*children);
    return {};
}

Expected<void> parse_schema1(object document, Manifest& manifest) {
    auto fs_layers = required_array(document, "fsLayers");
    if (!fs_layers) {
        return fs_layers.error();
    }
    std::unordered_set<std::string_view> seen;
    std::size_t index = 0;
    for (auto entry : *fs_layers) {
        const auto where = "fsLayers[" + std::to_string(index++) + "]";
        auto layer = object_value(entry, where);
        if (!layer) {
            return layer.error();
        }
        auto blob_sum = string_field(*layer, where, "blobSum");
        if (!blob_sum) {
            return blob_sum.error();
        }
        if (!is_valid_digest(*blob_sum)) {
            return invalid(where + " has an invalid blobSum " + quote_for_message(*blob_sum, 150));
        }
        // schema1 repeats the empty layer for every metadata-only history entry.
        if (seen.insert(*blob_sum).second) {
            manifest.layers.push_back(Descriptor{.digest = std::string(*blob_sum)});
        }
    }
    return {};
}

bool lenient_content_type(std::string_view content_type) {
    return content_type.empty() || content_type == "application/json" ||
           content_type == "application/octet-stream";
}

Expected<std::string> effective_media_type(object document, std::string_view content_type,
                                           int schema_version) {
    auto body_type = string_field(document, "", "mediaType");
    if (!body_type) {
        return body_type.error();
    }
    const auto header_type = strip_media_type_params(content_type);
    const bool header_counts = !lenient_content_type(header_type);
    if (!body_type->empty() && header_counts && *body_type != header_type) {
        return invalid("mediaType " + quote_for_message(*body_type, 100) +
                       " contradicts Content-Type " + quote_for_message(header_type, 100));
    }
    if (!body_type->empty()) {
        return std::string(*body_type);
    }
    if (header_counts) {
        return std::string(header_type);
    }
    if (schema_version == 1) {
        const bool signed_manifest = document["signatures"].error() == simdjson::SUCCESS;
        return std::string(signed_manifest ? media_type::docker_schema1_signed
                                           : media_type::docker_schema1);
    }
    const bool has_children = document["manifests"].error() == simdjson::SUCCESS;
    return std::string(has_children ? media_type::oci_index : media_type::oci_manifest);
}

// Fields that belong to the other kind of document make it ambiguous: refuse them.
Expected<void> reject_foreign_fields(object document, std::string_view media_type) {
    auto present = [&](std::string_view key) { return document[key].error() == simdjson::SUCCESS; };
    if (present("manifests") && present("layers")) {
        return invalid("document has both \"manifests\" and \"layers\"");
    }
    std::vector<std::string_view> foreign;
    if (is_index_media_type(media_type)) {
        foreign = {"config", "layers", "fsLayers"};
    } else if (is_schema1_media_type(media_type)) {
        foreign = {"config", "layers", "manifests"};
    } else {
        foreign = {"manifests", "fsLayers"};
    }
    for (auto key : foreign) {
        if (present(key)) {
            return invalid(quote_for_message(media_type, 100) + " document has \"" +
                           std::string(key) + "\"");
        }
    }
    return {};
}

Expected<int> schema_version_of(object document) {
    auto field = optional_field(document, "", "schemaVersion");
    if (!field) {
        return field.error();
    }
    std::int64_t version = 0;
    if (!*field || (*field)->get_int64().get(version) != simdjson::SUCCESS) {
        return invalid("schemaVersion missing or not an integer");
    }
    if (version != 1 && version != 2) {
        return make_error(ErrorKind::unsupported,
                          "unsupported manifest schemaVersion " + std::to_string(version));
    }
    return static_cast<int>(version);
}

}  // namespace

std::string Platform::to_string() const {
    std::string out = os + "/" + architecture;
    if (!variant.empty()) {
        out += "/" + variant;
    }
    return out;
}

bool Manifest::is_index() const {
    return is_index_media_type(media_type);
}

std::vector<Descriptor> Manifest::blobs() const {
    std::vector<Descriptor> out;
    out.reserve(layers.size() + 1);
    if (config) {
        out.push_back(*config);
    }
    out.insert(out.end(), layers.begin(), layers.end());
    return out;
}

Expected<Manifest> parse_manifest(std::string_view bytes, std::string_view content_type) {
    if (bytes.size() > max_manifest_bytes) {
        return make_error(ErrorKind::too_large, "manifest of " + std::to_string(bytes.size()) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(max_manifest_bytes));
    }
    // Reused per thread: the parser's buffers are the costly part of a parse.
    thread_local simdjson::dom::parser parser;
    const simdjson::padded_string padded(bytes);
    element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
        return invalid("not valid JSON");
    }
    auto document = object_value(root, "document");
    if (!document) {
        return document.error();
    }
    auto schema_version = schema_version_of(*document);
    if (!schema_version) {
        return schema_version.error();
    }
    auto media_type = effective_media_type(*document, content_type, *schema_version);
    if (!media_type) {
        return media_type.error();
    }
    if (!is_manifest_media_type(*media_type)) {
        return unsupported(*media_type);
    }
    if ((*schema_version == 1) != is_schema1_media_type(*media_type)) {
        return invalid("schemaVersion " + std::to_string(*schema_version) + " does not match " +
                       *media_type);
    }
    if (auto clean = reject_foreign_fields(*document, *media_type); !clean) {
        return clean.error();
    }
    Manifest manifest;
    manifest.media_type = std::move(*media_type);
    manifest.schema_version = *schema_version;
    Expected<void> body;
    if (is_schema1_media_type(manifest.media_type)) {
        body = parse_schema1(*document, manifest);
    } else if (manifest.is_index()) {
        body = parse_index(*document, manifest);
    } else {
        body = parse_image(*document, manifest);
    }
    if (!body) {
        return body.error();
    }
    auto subject = optional_descriptor(*document, "subject");
    if (!subject) {
        return subject.error();
    }
    manifest.subject = std::move(*subject);
    return manifest;
}

}  // namespace regmigrate::registry
