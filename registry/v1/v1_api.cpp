#include "registry/v1/v1_api.hpp"

#include "registry/name/reference.hpp"

#include <simdjson.h>
#include <boost/json/value.hpp>

#include <algorithm>
#include <set>

namespace regmigrate::registry {

namespace {

Error bad(std::string what) {
    return make_error(ErrorKind::protocol, std::move(what));
}

bool all_of(std::string_view text, bool (*allowed)(char)) {
    return std::all_of(text.begin(), text.end(), allowed);
}
bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_lower_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}
bool is_namespace_char(char c) {
    return is_lower_alnum(c) || c == '_' || c == '-';
}
bool is_name_char(char c) {
    return is_namespace_char(c) || c == '.';
}

Expected<simdjson::dom::element> parse(simdjson::dom::parser& parser, std::string_view json,
                                       std::string_view what) {
    simdjson::dom::element root;
    if (auto error = parser.parse(json.data(), json.size()).get(root)) {
        return bad(std::string(what) + " is not JSON: " + simdjson::error_message(error));
    }
    return root;
}

// The same value as a Boost.JSON value (for re-emitting the v1 JSON in the v2 config).
boost::json::value to_json(simdjson::dom::element element) {
    using simdjson::dom::element_type;
    switch (element.type()) {
        case element_type::OBJECT: {
            const simdjson::dom::object fields = element.get_object().value_unsafe();
            boost::json::object object;
            for (auto field : fields)
                object[field.key] = to_json(field.value);
            return object;
        }
        case element_type::ARRAY: {
            const simdjson::dom::array items = element.get_array().value_unsafe();
            boost::json::array array;
            for (auto item : items)
                array.push_back(to_json(item));
            return array;
        }
        case element_type::STRING:
            return boost::json::string(element.get_string().value_unsafe());
        case element_type::INT64:
            return element.get_int64().value_unsafe();
        case element_type::UINT64:
            return element.get_uint64().value_unsafe();
        case element_type::DOUBLE:
            return element.get_double().value_unsafe();
        case element_type::BOOL:
            return element.get_bool().value_unsafe();
        case element_type::NULL_VALUE:
            break;
    }
    return nullptr;
}

// An optional string field: "" when absent or null, an error when of another type.
Expected<std::string> optional_string(simdjson::dom::object object, std::string_view key,
                                      std::string_view what) {
    simdjson::dom::element value;
    if (object[key].get(value) || value.is_null())
        return std::string();
    std::string_view text;
    if (value.get_string().get(text))
        return bad(std::string(what) + ": \"" + std::string(key) + "\" is not a string");
    return std::string(text);
}

std::string printable(std::string_view text) {
    constexpr std::size_t shown = 80;
    std::string out = "\"";
    for (char c : text.substr(0, shown))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out + (text.size() > shown ? "...\"" : "\"");
}

Expected<std::size_t> page_number(simdjson::dom::object object, std::string_view key) {
    simdjson::dom::element value;
    if (object[key].get(value))
        return std::size_t{1};
    std::uint64_t number = 0;
    if (value.get_uint64().get(number) || number == 0)
        return bad("v1 search page: \"" + std::string(key) + "\" is not a positive integer");
    return static_cast<std::size_t>(number);
}

}  // namespace

bool is_valid_v1_image_id(std::string_view id) {
    return id.size() == 64 && all_of(id, is_lower_hex);
}

bool is_valid_v1_tag(std::string_view tag) {
    return is_valid_tag(tag);
}

Expected<V1Repository> parse_v1_repository(std::string_view name) {
    const auto slash = name.find('/');
    V1Repository repository;
    if (slash == std::string_view::npos) {
        repository = {"library", std::string(name)};
    } else {
        repository = {std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
    }
    const auto& ns = repository.name_space;
    const auto& repo = repository.name;
    if (ns.size() < 2 || ns.size() > 255 || !all_of(ns, is_namespace_char) || repo.empty() ||
        repo.size() > 255 || repo.front() == '.' || !all_of(repo, is_name_char)) {
        return make_error(
            ErrorKind::invalid_argument,
            "not a v1 repository name (namespace/name, lowercase): " + printable(name));
    }
    return repository;
}

Expected<V1SearchPage> parse_v1_search_page(std::string_view json) {
    simdjson::dom::parser parser;
    auto root = parse(parser, json, "v1 search page");
    if (!root)
        return root.error();
    simdjson::dom::object object;
    simdjson::dom::array results;
    if (root->get_object().get(object) || object["results"].get_array().get(results))
        return bad("v1 search page: no \"results\" array");
    V1SearchPage page;
    for (auto result : results) {
        std::string_view name;
        if (result["name"].get_string().get(name))
            return bad("v1 search page: a result without a \"name\" string");
        page.names.emplace_back(name);
    }
    auto number = page_number(object, "page");
    auto pages = page_number(object, "num_pages");
    if (!number)
        return number.error();
    if (!pages)
        return pages.error();
    page.page = *number;
    page.num_pages = *pages;
    return page;
}

Expected<std::vector<V1Tag>> parse_v1_tags(std::string_view json) {
    simdjson::dom::parser parser;
    auto root = parse(parser, json, "v1 tag list");
    if (!root)
        return root.error();
    std::vector<V1Tag> tags;
    auto add = [&](std::string_view name, std::string_view id) -> Expected<void> {
        if (!is_valid_v1_tag(name))
            return bad("v1 tag list: invalid tag " + printable(name));
        tags.push_back({std::string(name), is_valid_v1_image_id(id) ? std::string(id) : ""});
        return {};
    };
    simdjson::dom::object object;
    simdjson::dom::array array;
    if (!root->get_object().get(object)) {
        for (auto field : object) {
            std::string_view id;
            if (field.value.get_string().get(id))
                return bad("v1 tag list: tag " + printable(field.key) + " maps to a non-string");
            if (auto added = add(field.key, id); !added)
                return added.error();
        }
    } else if (!root->get_array().get(array)) {
        for (auto item : array) {
            std::string_view name;
            std::string_view layer;
            if (item["name"].get_string().get(name))
                return bad("v1 tag list: an entry without a \"name\" string");
            if (item["layer"].get_string().get(layer))
                layer = {};
            if (auto added = add(name, layer); !added)
                return added.error();
        }
    } else {
        return bad("v1 tag list: neither an object nor an array");
    }
    std::sort(tags.begin(), tags.end(),
              [](const V1Tag& a, const V1Tag& b) { return a.name < b.name; });
    return tags;
}

Expected<std::string> parse_v1_tag_image(std::string_view json) {
    simdjson::dom::parser parser;
    auto root = parse(parser, json, "v1 tag");
    if (!root)
        return root.error();
    std::string_view id;
    if (root->get_string().get(id) || !is_valid_v1_image_id(id))
        return bad("v1 tag: not an image ID string");
    return std::string(id);
}

Expected<std::vector<std::string>> parse_v1_ancestry(std::string_view json,
                                                     std::string_view image_id) {
    simdjson::dom::parser parser;
    auto root = parse(parser, json, "v1 ancestry");
    if (!root)
        return root.error();
    simdjson::dom::array array;
    if (root->get_array().get(array))
        return bad("v1 ancestry: not an array");
    std::vector<std::string> ids;
    std::set<std::string_view> seen;
    for (auto item : array) {
        std::string_view id;
        if (item.get_string().get(id) || !is_valid_v1_image_id(id))
            return bad("v1 ancestry: an entry is not an image ID");
        if (!seen.insert(id).second)
            return bad("v1 ancestry: image " + std::string(id) + " appears twice");
        if (ids.size() == max_v1_ancestry)
            return bad("v1 ancestry: longer than " + std::to_string(max_v1_ancestry) + " images");
        ids.emplace_back(id);
    }
    if (ids.empty() || ids.front() != image_id)
        return bad("v1 ancestry of " + std::string(image_id) + " does not start with it");
    return ids;
}

Expected<V1Image> parse_v1_image(std::string_view json, std::string_view image_id) {
    const std::string what = "v1 image " + std::string(image_id);
    simdjson::dom::parser parser;
    auto root = parse(parser, json, what);
    if (!root)
        return root.error();
    simdjson::dom::object object;
    if (root->get_object().get(object))
        return bad(what + ": not a JSON object");
    V1Image image;
    auto id = optional_string(object, "id", what);
    auto parent = optional_string(object, "parent", what);
    auto created = optional_string(object, "created", what);
    auto author = optional_string(object, "author", what);
    auto comment = optional_string(object, "comment", what);
    for (auto* field : {&id, &parent, &created, &author, &comment}) {
        if (!*field)
            return field->error();
    }
    if (*id != image_id)
        return bad(what + ": its JSON names another ID " + printable(*id));
    if (!parent->empty() && !is_valid_v1_image_id(*parent))
        return bad(what + ": invalid parent ID " + printable(*parent));
    image.id = std::move(*id);
    image.parent = std::move(*parent);
    image.created = std::move(*created);
    image.author = std::move(*author);
    image.comment = std::move(*comment);
    simdjson::dom::array cmd;
    if (!object.at_pointer("/container_config/Cmd").get_array().get(cmd)) {
        for (auto part : cmd) {
            std::string_view text;
            if (part.get_string().get(text))
                return bad(what + ": container_config.Cmd holds a non-string");
            image.created_by += (image.created_by.empty() ? "" : " ") + std::string(text);
        }
    }
    image.json = to_json(*root).as_object();
    return image;
}

std::string v1_tags_path(const V1Repository& repository) {
    return "/v1/repositories/" + repository.full() + "/tags";
}

std::string v1_tag_path(const V1Repository& repository, std::string_view tag) {
    return v1_tags_path(repository) + "/" + std::string(tag);
}

std::string v1_image_path(std::string_view image_id, std::string_view what) {
    return "/v1/images/" + std::string(image_id) + "/" + std::string(what);
}

}  // namespace regmigrate::registry
