#include "engine/v1/v1_listing.hpp"

namespace regmigrate::engine {

namespace asio = boost::asio;

registry::V1Client v1_client(const SyncPair& pair, registry::RegistryClient& source) {
    return registry::V1Client(
        source.http(), source.host(), pair.source.credentials,
        {.retry = source.retry_policy(),
         .allow_plain_http_credentials = source.options().allow_plain_http_credentials});
}

asio::awaitable<Expected<std::vector<std::string>>> list_v1_repositories(
    const SyncPair& pair, registry::RegistryClient& source) {
    auto client = v1_client(pair, source);
    co_return co_await client.search_repositories();
}

asio::awaitable<Expected<std::vector<std::string>>> list_v1_tags(const SyncPair& pair,
                                                                 registry::RegistryClient& source,
                                                                 const std::string& repository) {
    auto name = registry::parse_v1_repository(repository);
    if (!name)
        co_return name.error();
    auto client = v1_client(pair, source);
    auto tags = co_await client.list_tags(*name);
    if (!tags)
        co_return tags.error();
    std::vector<std::string> names;
    for (auto& tag : *tags)
        names.push_back(std::move(tag.name));
    co_return names;
}

}  // namespace regmigrate::engine
