#include "registry/hub/hub_listing.hpp"

#include "registry/distribution/registry_error.hpp"
#include "registry/name/reference.hpp"
#include "transport/http/http_client.hpp"

#include <simdjson.h>
#include <boost/url/parse.hpp>

#include <algorithm>

namespace regmigrate::registry {

namespace {

Error refuse(std::string_view why) {
    return make_error(ErrorKind::protocol, "invalid Docker Hub listing page: " + std::string(why));
}

}  // namespace

Expected<boost::urls::url> hub_listing_url(std::string_view api, std::string_view organization,
                                           HubEndpoint endpoint, std::size_t page_size) {
    const auto base = boost::urls::parse_absolute_uri(api);
    if (!base ||
        (base->scheme_id() != boost::urls::scheme::http &&
         base->scheme_id() != boost::urls::scheme::https) ||
        base->encoded_host().empty() || base->has_query() || base->has_userinfo()) {
        return make_error(ErrorKind::invalid_argument,
                          "Docker Hub API base must be an http(s) URL without query or "
                          "credentials, got " +
                              quote_for_message(api));
    }
    if (organization.find('/') != std::string_view::npos || !is_valid_repository(organization)) {
        return make_error(ErrorKind::invalid_argument,
                          "invalid Docker Hub organization " + quote_for_message(organization));
    }
    boost::urls::url url(*base);
    std::string path(url.encoded_path());
    while (path.ends_with('/'))
        path.pop_back();
    const std::string org(organization);
    path += endpoint == HubEndpoint::namespaces ? "/v2/namespaces/" + org + "/repositories"
                                                : "/v2/repositories/" + org + "/";
    url.set_encoded_path(path);
    url.params().append(
        {"page_size", std::to_string(std::clamp<std::size_t>(page_size, 1, hub_max_page_size))});
    return url;
}

Expected<HubPage> parse_hub_page(std::string_view json, std::string_view organization,
                                 boost::urls::url_view request_url) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size()).get(root))
        return refuse("not JSON");
    simdjson::dom::object object;
    if (root.get_object().get(object))
        return refuse("not a JSON object");

    HubPage page;
    simdjson::dom::element results;
    if (!object.at_key("results").get(results) && !results.is_null()) {
        simdjson::dom::array array;
        if (results.get_array().get(array))
            return refuse("\"results\" is not an array");
        for (auto entry : array) {
            std::string_view name;
            if (entry.at_key("name").get_string().get(name))
                return refuse("a result has no \"name\" string");
            std::string repository = std::string(organization) + "/" + std::string(name);
            if (name.find('/') != std::string_view::npos || !is_valid_repository(repository)) {
                return refuse("invalid repository name " + quote_for_message(name));
            }
            page.repositories.push_back(std::move(repository));
        }
    }

    simdjson::dom::element next;
    if (object.at_key("next").get(next) || next.is_null())
        return page;
    std::string_view next_text;
    if (next.get_string().get(next_text))
        return refuse("\"next\" is not a string");
    if (next_text.empty())
        return page;
    const auto reference = boost::urls::parse_uri_reference(next_text);
    boost::urls::url resolved;
    if (!reference || !boost::urls::resolve(request_url, *reference, resolved)) {
        return refuse("\"next\" is not a URL: " + quote_for_message(next_text));
    }
    // Following it elsewhere would hand our session to a server the user never named.
    if (!transport::same_origin(request_url, resolved)) {
        return refuse("\"next\" leads to another origin: " + quote_for_message(next_text));
    }
    page.next = std::move(resolved);
    return page;
}

}  // namespace regmigrate::registry
