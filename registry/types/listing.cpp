#include "registry/types/listing.hpp"

#include "registry/distribution/registry_error.hpp"
#include "registry/name/reference.hpp"

#include <simdjson.h>

namespace regmigrate::registry {

Expected<std::vector<std::string>> parse_string_list(std::string_view json, std::string_view key) {
    const auto refuse = [&](std::string_view why) {
        return make_error(ErrorKind::protocol, "invalid list response (\"" + std::string(key) +
                                                   "\"): " + std::string(why));
    };
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size()).get(root))
        return refuse("not JSON");
    simdjson::dom::object object;
    if (root.get_object().get(object))
        return refuse("not a JSON object");
    simdjson::dom::element list;
    std::vector<std::string> names;
    if (object.at_key(key).get(list) || list.is_null())
        return names;
    simdjson::dom::array array;
    if (list.get_array().get(array))
        return refuse("not an array");
    for (auto entry : array) {
        std::string_view name;
        if (entry.get_string().get(name))
            return refuse("an entry is not a string");
        names.emplace_back(name);
    }
    return names;
}

Expected<void> check_listed_names(const std::vector<std::string>& names, std::string_view key) {
    const bool repositories = key == "repositories";
    for (const auto& name : names) {
        if (repositories ? !is_valid_repository(name) : !is_valid_tag(name)) {
            return make_error(ErrorKind::protocol,
                              std::string("listing holds an invalid ") +
                                  (repositories ? "repository name " : "tag ") +
                                  quote_for_message(name, 80));
        }
    }
    return {};
}

}  // namespace regmigrate::registry
