#include "registry/layout/oci_layout_index.hpp"

#include "registry/content/digest.hpp"
#include "registry/types/media_types.hpp"

#include <simdjson.h>
#include <boost/json.hpp>

#include <algorithm>

namespace regmigrate::registry {

namespace {

Error bad_index(const std::string& why) {
    return make_error(ErrorKind::protocol, "bad OCI layout index.json: " + why);
}

Expected<OciLayoutEntry> parse_entry(simdjson::dom::element element) {
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS)
        return bad_index("a manifests entry is not an object");
    OciLayoutEntry entry;
    std::string_view media_type;
    std::string_view digest;
    std::uint64_t size = 0;
    if (object["mediaType"].get_string().get(media_type) != simdjson::SUCCESS)
        return bad_index("an entry has no mediaType");
    if (object["digest"].get_string().get(digest) != simdjson::SUCCESS ||
        !is_valid_digest(digest)) {
        return bad_index("an entry has no valid digest");
    }
    if (object["size"].get_uint64().get(size) != simdjson::SUCCESS)
        return bad_index("entry " + std::string(digest) + " has no size");
    entry.media_type = media_type;
    entry.digest = digest;
    entry.size = size;
    const auto annotations = object["annotations"];
    if (annotations.error() == simdjson::NO_SUCH_FIELD)
        return entry;
    simdjson::dom::object pairs;
    if (annotations.get_object().get(pairs) != simdjson::SUCCESS)
        return bad_index("annotations of " + entry.digest + " are not an object");
    for (auto [key, value] : pairs) {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS)
            return bad_index("annotation " + std::string(key) + " is not a string");
        entry.annotations.emplace(std::string(key), std::string(text));
    }
    return entry;
}

}  // namespace

std::string OciLayoutEntry::ref_name() const {
    const auto found = annotations.find(std::string(oci_ref_name_annotation));
    return found == annotations.end() ? std::string() : found->second;
}

const OciLayoutEntry* OciLayoutIndex::find(std::string_view ref_name) const {
    for (const auto& entry : manifests) {
        if (!ref_name.empty() && entry.ref_name() == ref_name)
            return &entry;
    }
    return nullptr;
}

std::vector<std::string> OciLayoutIndex::ref_names() const {
    std::vector<std::string> names;
    for (const auto& entry : manifests) {
        if (auto name = entry.ref_name(); !name.empty())
            names.push_back(std::move(name));
    }
    return names;
}

void OciLayoutIndex::put(OciLayoutEntry entry) {
    const std::string name = entry.ref_name();
    const auto same = std::find_if(manifests.begin(), manifests.end(), [&](const auto& existing) {
        return name.empty() ? existing.ref_name().empty() && existing.digest == entry.digest
                            : existing.ref_name() == name;
    });
    if (same == manifests.end()) {
        manifests.push_back(std::move(entry));
    } else {
        *same = std::move(entry);
    }
}

std::string oci_layout_marker() {
    return boost::json::serialize(
        boost::json::object{{"imageLayoutVersion", std::string(oci_layout_version)}});
}

Expected<void> check_oci_layout_marker(std::string_view json) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    std::string_view version;
    if (parser.parse(padded)["imageLayoutVersion"].get_string().get(version) != simdjson::SUCCESS) {
        return make_error(ErrorKind::protocol, "oci-layout has no imageLayoutVersion");
    }
    if (version != oci_layout_version) {
        return make_error(ErrorKind::unsupported,
                          "OCI layout version " + std::string(version) + " is not supported");
    }
    return {};
}

Expected<OciLayoutIndex> parse_oci_layout_index(std::string_view json) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    simdjson::dom::object root;
    if (parser.parse(padded).get_object().get(root) != simdjson::SUCCESS)
        return bad_index("not a JSON object");
    std::uint64_t schema_version = 0;
    if (root["schemaVersion"].get_uint64().get(schema_version) != simdjson::SUCCESS ||
        schema_version != 2) {
        return bad_index("schemaVersion is not 2");
    }
    OciLayoutIndex index;
    const auto manifests = root["manifests"];
    if (manifests.error() == simdjson::NO_SUCH_FIELD)
        return index;
    simdjson::dom::array entries;
    if (manifests.get_array().get(entries) != simdjson::SUCCESS)
        return bad_index("manifests is not an array");
    for (auto element : entries) {
        auto entry = parse_entry(element);
        if (!entry)
            return entry.error();
        index.manifests.push_back(std::move(*entry));
    }
    return index;
}

std::string serialize_oci_layout_index(const OciLayoutIndex& index) {
    boost::json::array manifests;
    for (const auto& entry : index.manifests) {
        boost::json::object descriptor{
            {"mediaType", entry.media_type}, {"digest", entry.digest}, {"size", entry.size}};
        if (!entry.annotations.empty()) {
            boost::json::object annotations;
            for (const auto& [key, value] : entry.annotations)
                annotations[key] = value;
            descriptor["annotations"] = std::move(annotations);
        }
        manifests.push_back(std::move(descriptor));
    }
    return boost::json::serialize(
        boost::json::object{{"schemaVersion", 2},
                            {"mediaType", std::string(media_type::oci_index)},
                            {"manifests", std::move(manifests)}});
}

}  // namespace regmigrate::registry
