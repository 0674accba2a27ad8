#include "tests/support/registry_catalog.hpp"

#include "tests/support/http_fetch.hpp"
#include "tools/fleet/registry_writer.hpp"

#include <boost/json/parse.hpp>

namespace regmigrate::testing {

Expected<std::vector<std::string>> list_repositories(const std::string& host) {
    auto response = fetch({.url = "http://" + host + "/v2/_catalog?n=1000"});
    if (!response) {
        return with_context(response.error(), "listing the catalog of " + host);
    }
    if (response->status != 200) {
        return make_error(ErrorKind::protocol,
                          "catalog of " + host + ": HTTP " + std::to_string(response->status),
                          response->status);
    }
    boost::system::error_code ec;
    const boost::json::value document = boost::json::parse(response->body, ec);
    const auto* object = ec ? nullptr : document.if_object();
    const auto* list = object != nullptr ? object->if_contains("repositories") : nullptr;
    if (list == nullptr || !list->is_array()) {
        return make_error(ErrorKind::protocol, "catalog of " + host + ": no repositories array");
    }
    std::vector<std::string> repositories;
    for (const auto& name : list->get_array()) {
        if (name.is_string()) {
            repositories.emplace_back(name.get_string());
        }
    }
    return repositories;
}

Expected<std::set<std::string>> list_tagged_images(const std::string& host) {
    auto repositories = list_repositories(host);
    if (!repositories) {
        return repositories.error();
    }
    fleet::RegistryWriter reader({host});
    std::set<std::string> images;
    for (const auto& repository : *repositories) {
        auto tags = reader.list_tags(repository);
        if (!tags && tags.error().kind == ErrorKind::not_found) {
            continue;
        }
        if (!tags) {
            return tags.error();
        }
        for (const auto& tag : *tags) {
            images.insert(repository + ":" + tag);
        }
    }
    return images;
}

std::string served_digest(const std::string& host, const std::string& repository,
                          const std::string& reference, const std::string& username,
                          const std::string& password) {
    auto manifest =
        fleet::RegistryWriter({host, username, password}).get_manifest(repository, reference);
    return manifest ? manifest->digest : "";
}

std::size_t uploads_holding_data(const std::filesystem::path& storage) {
    const auto root = storage / "docker/registry/v2/repositories";
    std::size_t held = 0;
    if (!std::filesystem::exists(root))
        return held;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.path().filename() == "data" &&
            entry.path().parent_path().parent_path().filename() == "_uploads") {
            ++held;
        }
    }
    return held;
}

}  // namespace regmigrate::testing
