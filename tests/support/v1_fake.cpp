#include "tests/support/v1_fake.hpp"

#include "registry/content/sha256.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <cstdio>
#include <cstring>

namespace regmigrate::testing {

namespace json = boost::json;

namespace {

void put_octal(char* field, std::size_t width, std::uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
}

std::string ustar_header(const std::string& path, std::size_t size) {
    std::string block(512, '\0');
    char* h = block.data();
    std::memcpy(h, path.data(), std::min<std::size_t>(path.size(), 99));
    put_octal(h + 100, 8, 0644);
    put_octal(h + 108, 8, 0);
    put_octal(h + 116, 8, 0);
    put_octal(h + 124, 12, size);
    put_octal(h + 136, 12, 1420070400);  // 2015-01-01
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : block)
        sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    return block;
}

ScriptedReply json_reply(const json::value& value) {
    return ScriptedReply{200, json::serialize(value), {{"Content-Type", "application/json"}}};
}

ScriptedReply not_found() {
    return ScriptedReply{404, R"({"error": "not found"})"};
}

}  // namespace

std::string ustar_archive(const std::map<std::string, std::string>& files) {
    std::string tar;
    for (const auto& [path, content] : files) {
        tar += ustar_header(path, content.size());
        tar += content;
        tar.append((512 - content.size() % 512) % 512, '\0');
    }
    tar.append(1024, '\0');
    return tar;
}

V1Fake::V1Fake(std::size_t search_page_size) : search_page_size_(search_page_size) {
    server_ = std::make_unique<ScriptedHttpServer>(
        answer_each([this](const ScriptedRequest& request) { return answer(request); }));
}

std::string V1Fake::host() const {
    return "127.0.0.1:" + std::to_string(server_->port());
}

std::string V1Fake::add_image(const std::string& parent, std::string layer,
                              const std::string& created_by) {
    std::lock_guard lock(mutex_);
    const std::string id = registry::sha256_digest(parent + "\n" + created_by + "\n" + layer)
                               .substr(std::string_view("sha256:").size());
    json::object image{
        {"id", id},
        {"created", "2015-01-0" + std::to_string(1 + images_.size() % 9) + "T10:00:00.000000000Z"},
        {"container_config", {{"Cmd", json::array{"/bin/sh", "-c", created_by}}}},
        {"config", {{"Env", json::array{"PATH=/bin"}}, {"Cmd", json::array{"sh"}}}},
        {"architecture", "amd64"},
        {"os", "linux"},
        {"docker_version", "1.6.2"},
        {"Size", layer.size()}};
    if (!parent.empty())
        image["parent"] = parent;
    images_[id] = Image{parent, json::serialize(image), std::move(layer)};
    return id;
}

void V1Fake::tag(const std::string& repository, const std::string& tag,
                 const std::string& image_id) {
    std::lock_guard lock(mutex_);
    repositories_[repository][tag] = image_id;
}

std::size_t V1Fake::layer_downloads(const std::string& image_id) const {
    std::lock_guard lock(mutex_);
    const auto found = layer_downloads_.find(image_id);
    return found == layer_downloads_.end() ? 0 : found->second;
}

ScriptedReply V1Fake::search(std::string_view query, std::size_t page,
                             std::size_t page_size) const {
    std::vector<std::string> matching;
    for (const auto& [name, tags] : repositories_) {
        if (name.find(query) != std::string::npos)
            matching.push_back(name);
    }
    const std::size_t pages =
        std::max<std::size_t>(1, (matching.size() + page_size - 1) / page_size);
    json::array results;
    for (std::size_t i = (page - 1) * page_size; i < std::min(matching.size(), page * page_size);
         ++i)
        results.push_back(json::object{{"name", matching[i]}, {"description", ""}});
    return json_reply(json::object{{"num_pages", pages},
                                   {"num_results", matching.size()},
                                   {"page", page},
                                   {"page_size", page_size},
                                   {"query", query},
                                   {"results", std::move(results)}});
}

ScriptedReply V1Fake::image(const std::string& id, std::string_view what) {
    const auto found = images_.find(id);
    if (found == images_.end())
        return not_found();
    if (what == "json") {
        return ScriptedReply{200,
                             found->second.json,
                             {{"Content-Type", "application/json"},
                              {"X-Docker-Size", std::to_string(found->second.layer.size())}}};
    }
    if (what == "layer") {
        ++layer_downloads_[id];
        return ScriptedReply{
            200, found->second.layer, {{"Content-Type", "application/octet-stream"}}};
    }
    if (what == "ancestry") {
        json::array chain;
        for (std::string at = id; !at.empty(); at = images_.at(at).parent)
            chain.push_back(json::string(at));
        return json_reply(chain);
    }
    return not_found();
}

ScriptedReply V1Fake::answer(const ScriptedRequest& request) {
    auto target = boost::urls::parse_origin_form(request.target);
    if (!target)
        return ScriptedReply{400, "bad target"};
    const std::string path = target->path();
    std::lock_guard lock(mutex_);
    if (path == "/v1/_ping")
        return ScriptedReply{200, "true", {{"X-Docker-Registry-Version", "0.9.1"}}};
    if (path == "/v1/search") {
        const auto params = target->params();
        const auto number = [&](std::string_view key, std::size_t fallback) {
            const auto found = params.find(key);
            return found == params.end() ? fallback : std::stoul(std::string((*found).value));
        };
        const auto query = params.find("q");
        return search(query == params.end() ? "" : std::string((*query).value),
                      std::max<std::size_t>(number("page", 1), 1),
                      std::clamp<std::size_t>(number("n", 25), 1, search_page_size_));
    }
    constexpr std::string_view repositories = "/v1/repositories/";
    constexpr std::string_view images = "/v1/images/";
    if (path.starts_with(repositories)) {
        const std::string rest = path.substr(repositories.size());
        const auto tags_at = rest.find("/tags");
        if (tags_at == std::string::npos)
            return not_found();
        const auto found = repositories_.find(rest.substr(0, tags_at));
        if (found == repositories_.end())
            return not_found();
        const std::string after = rest.substr(tags_at + 5);
        if (after.empty()) {
            json::object tags;
            for (const auto& [tag, id] : found->second)
                tags[tag] = id;
            return json_reply(tags);
        }
        const auto tag = found->second.find(after.substr(1));
        return tag == found->second.end() ? not_found() : json_reply(json::string(tag->second));
    }
    if (path.starts_with(images)) {
        const std::string rest = path.substr(images.size());
        const auto slash = rest.find('/');
        if (slash == std::string::npos)
            return not_found();
        return image(rest.substr(0, slash), std::string_view(rest).substr(slash + 1));
    }
    return not_found();
}

}  // namespace regmigrate::testing
