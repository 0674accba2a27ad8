// RegistryClient::delete_manifest: the one DELETE of a manifest or tag, for sync --prune.
#include "registry/distribution/registry_client.hpp"
#include "registry/distribution/registry_error.hpp"
#include "transport/retry/retry_wait.hpp"

namespace regmigrate::registry {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using transport::HttpRequest;
using transport::retry_operation;
using transport::RetryAttempts;

asio::awaitable<Expected<void>> RegistryClient::delete_manifest(std::string_view repo,
                                                                std::string_view reference) {
    const std::string context = "deleting " + host_ + "/" + std::string(repo) +
                                (reference.starts_with("sha256:") ? "@" : ":") +
                                std::string(reference);
    // distribution's token auth asks for the "delete" action on the repository.
    const Scopes scopes{repository_scope(repo, "delete")};
    // Replayable: a DELETE that took effect before its answer was lost reads as 404 next
    // time, which the caller takes as gone.
    auto attempt = [&](RetryAttempts* attempts) -> asio::awaitable<Expected<void>> {
        HttpRequest request;
        request.method = http::verb::delete_;
        request.url = url_for("/v2/" + std::string(repo) + "/manifests/" + std::string(reference));
        auto response = co_await send(std::move(request), scopes, attempts);
        if (!response)
            co_return response.error();
        if (response->status() != 202 && response->status() != 200 && response->status() != 204) {
            co_return co_await explain_response(*response, context);
        }
        co_await response->discard();
        co_return Expected<void>{};
    };
    co_return co_await retry_operation<void>(options_.retry.get(), context, attempt);
}

}  // namespace regmigrate::registry
