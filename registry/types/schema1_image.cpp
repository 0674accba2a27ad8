#include "registry/types/schema1_image.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace regmigrate::registry {

namespace {

Error invalid(const std::string& why) {
    return make_error(ErrorKind::protocol, "invalid schema1 manifest: " + why);
}

Expected<simdjson::dom::array> array_member(simdjson::dom::object document, const char* key) {
    simdjson::dom::array array;
    if (document[key].get_array().get(array) != simdjson::SUCCESS) {
        return invalid(std::string("\"") + key + "\" is not an array");
    }
    return array;
}

Expected<Schema1Layer> layer_at(simdjson::dom::element fs_layer, simdjson::dom::element history,
                                std::size_t index) {
    const std::string where = "history[" + std::to_string(index) + "]";
    Schema1Layer layer;
    std::string_view blob_sum;
    if (fs_layer["blobSum"].get_string().get(blob_sum) != simdjson::SUCCESS) {
        return invalid("fsLayers[" + std::to_string(index) + "] has no blobSum");
    }
    layer.blob_sum = std::string(blob_sum);
    std::string_view compatibility;
    if (history["v1Compatibility"].get_string().get(compatibility) != simdjson::SUCCESS) {
        return invalid(where + " has no v1Compatibility string");
    }
    simdjson::dom::parser parser;
    simdjson::dom::object entry;
    if (parser.parse(compatibility.data(), compatibility.size()).get_object().get(entry) !=
        simdjson::SUCCESS) {
        return invalid(where + ".v1Compatibility is not a JSON object");
    }
    std::string_view id;
    if (entry["id"].get_string().get(id) != simdjson::SUCCESS || !is_valid_v1_image_id(id)) {
        return invalid(where + ".v1Compatibility has no valid id");
    }
    auto throwaway = entry["throwaway"];
    if (throwaway.error() == simdjson::SUCCESS &&
        throwaway.get_bool().get(layer.throwaway) != simdjson::SUCCESS) {
        return invalid(where + ".v1Compatibility throwaway is not a boolean");
    }
    auto image = parse_v1_image(compatibility, id);
    if (!image) {
        return with_context(image.error(), "schema1 " + where);
    }
    layer.image = std::move(*image);
    return layer;
}

bool mentions_unsupported(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("unsupported") != std::string::npos;
}

// distribution 2.8.2 with schema1 disabled: {"errors":[{"code":"UNKNOWN","message":
// "unknown error","detail":{}}]}.
bool is_distribution_refusal(simdjson::dom::array errors) {
    if (errors.size() != 1) {
        return false;
    }
    const auto error = errors.at(0);
    std::string_view code;
    simdjson::dom::object detail;
    return error["code"].get_string().get(code) == simdjson::SUCCESS && code == "UNKNOWN" &&
           error["detail"].get_object().get(detail) == simdjson::SUCCESS && detail.size() == 0;
}

}  // namespace

Expected<std::vector<Schema1Layer>> schema1_layers(std::string_view manifest) {
    simdjson::dom::parser parser;
    simdjson::dom::object document;
    if (parser.parse(manifest.data(), manifest.size()).get_object().get(document) !=
        simdjson::SUCCESS) {
        return invalid("not a JSON object");
    }
    auto fs_layers = array_member(document, "fsLayers");
    if (!fs_layers) {
        return fs_layers.error();
    }
    auto history = array_member(document, "history");
    if (!history) {
        return history.error();
    }
    if (fs_layers->size() != history->size() || fs_layers->size() == 0) {
        return invalid(std::to_string(fs_layers->size()) + " fsLayers for " +
                       std::to_string(history->size()) + " history entries");
    }
    std::vector<Schema1Layer> layers;
    std::size_t index = 0;
    auto entry = history->begin();
    for (auto fs_layer : *fs_layers) {
        auto layer = layer_at(fs_layer, *entry, index);
        if (!layer) {
            return layer.error();
        }
        layers.push_back(std::move(*layer));
        ++entry;
        ++index;
    }
    std::reverse(layers.begin(), layers.end());
    return layers;
}

bool refuses_schema1(int status, std::string_view body) {
    if (status == 415) {
        return true;
    }
    if (status != 400 && status != 500) {
        return false;
    }
    simdjson::dom::parser parser;
    simdjson::dom::array errors;
    if (parser.parse(body.data(), body.size())["errors"].get_array().get(errors) !=
        simdjson::SUCCESS) {
        return false;
    }
    if (status == 500) {
        return is_distribution_refusal(errors);
    }
    for (auto error : errors) {
        std::string_view code;
        if (error["code"].get_string().get(code) != simdjson::SUCCESS ||
            (code != "MANIFEST_INVALID" && code != "UNSUPPORTED")) {
            continue;
        }
        std::string_view text;
        for (const char* key : {"message", "detail"}) {
            if (error[key].get_string().get(text) == simdjson::SUCCESS &&
                mentions_unsupported(text)) {
                return true;
            }
        }
        if (code == "UNSUPPORTED") {
            return true;
        }
    }
    return false;
}

}  // namespace regmigrate::registry
