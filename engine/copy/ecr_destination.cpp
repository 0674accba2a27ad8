#include "engine/copy/ecr_destination.hpp"

#include "engine/run/run_to_completion.hpp"
#include "transport/log.hpp"

#include <boost/url/parse.hpp>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

Error ecr_setup_error(const RegistrySide& side, std::string message) {
    return make_error(ErrorKind::invalid_argument,
                      "ECR destination " + side.host + ": " + std::move(message));
}

// GetAuthorizationToken on a loop of its own: the run's loops do not exist yet. The API
// client lives in the coroutine frame, so it is gone before its loop is.
Expected<registry::EcrAuthorization> fetch_authorization(const RegistrySide& side,
                                                         const registry::EcrApiOptions& api) {
    auto ask = [&](asio::any_io_executor executor)
        -> asio::awaitable<Expected<registry::EcrAuthorization>> {
        auto http = ecr_http_client(api, side, std::move(executor));
        if (!http)
            co_return http.error();
        registry::EcrApi ecr(std::move(*http), api);
        co_return co_await ecr.get_authorization_token();
    };
    return run_to_completion<registry::EcrAuthorization>(ask, "ECR GetAuthorizationToken");
}

}  // namespace

std::optional<EcrSettings> ecr_settings_of(const RegistrySide& side) {
    if (side.ecr)
        return side.ecr;
    if (registry::is_ecr_host(side.host))
        return EcrSettings{};
    return std::nullopt;
}

Expected<registry::EcrApiOptions> ecr_api_options(const RegistrySide& side, const EcrSettings& ecr,
                                                  const registry::AwsSettings& aws) {
    registry::EcrApiOptions api;
    api.credentials = aws.credentials;
    api.region = ecr.region;
    if (api.region.empty()) {
        const auto host = registry::is_ecr_host(side.host);
        api.region = host ? host->region : aws.region;
    }
    if (api.region.empty()) {
        return ecr_setup_error(side,
                               "no AWS region: set AWS_REGION, the profile's region or "
                               "the plan's ecr.region");
    }
    if (!registry::is_aws_region(api.region)) {
        // The region comes from the plan, the environment or a profile file, and names a host.
        return ecr_setup_error(
            side, "AWS region \"" + api.region + "\" is not a region name ([a-z0-9-]+)");
    }
    if (ecr.endpoint.empty()) {
        api.endpoint = registry::ecr_api_endpoint(api.region);
        return api;
    }
    const auto endpoint = boost::urls::parse_absolute_uri(ecr.endpoint);
    if (!endpoint || (endpoint->scheme_id() != boost::urls::scheme::http &&
                      endpoint->scheme_id() != boost::urls::scheme::https)) {
        return ecr_setup_error(side, "the ECR endpoint must be an http:// or https:// URL, got \"" +
                                         ecr.endpoint + "\"");
    }
    // The actions are POSTs to "/". Boost.URL 1.81 turns set_path("/") on an empty path
    // into "/./", so the slash is added to the text instead.
    api.endpoint =
        endpoint->encoded_path().empty()
            ? boost::urls::url(boost::urls::parse_absolute_uri(ecr.endpoint + "/").value())
            : boost::urls::url(*endpoint);
    return api;
}

Expected<std::shared_ptr<transport::HttpClient>> ecr_http_client(const registry::EcrApiOptions& api,
                                                                 const RegistrySide& side,
                                                                 asio::any_io_executor executor) {
    transport::ClientOptions options;
    options.tls.mode = api.endpoint.scheme_id() == boost::urls::scheme::http
                           ? transport::TlsMode::disabled
                           : transport::TlsMode::enabled;
    options.timeouts = side.timeouts;
    options.max_connections_per_origin = 2;
    auto proxy = proxy_rules(side);
    if (!proxy)
        return proxy.error();
    options.proxy = std::move(*proxy);
    return transport::HttpClient::create(std::move(executor), std::move(options));
}

Expected<EcrApis> prepare_ecr_destinations(SyncPlan& plan) {
    EcrApis apis(plan.pairs.size());
    std::optional<registry::AwsSettings> aws;
    for (std::size_t i = 0; i < plan.pairs.size(); ++i) {
        RegistrySide& destination = plan.pairs[i].destination;
        const auto ecr = ecr_settings_of(destination);
        if (!ecr)
            continue;
        if (!aws) {
            auto loaded = registry::load_aws_settings();
            if (!loaded)
                return ecr_setup_error(destination, loaded.error().message);
            aws = std::move(*loaded);
        }
        auto api = ecr_api_options(destination, *ecr, *aws);
        if (!api)
            return api.error();
        auto authorization = fetch_authorization(destination, *api);
        if (!authorization)
            return with_context(authorization.error(), "ECR destination " + destination.host);
        destination.credentials = authorization->credentials;
        // ECR tokens last 12 hours: every client of this destination renews through one
        // object, so a longer run logs in again (once) before the token expires.
        destination.registry.renewable_credentials =
            std::make_shared<registry::RenewableCredentials>(
                registry::ExpiringCredentials{authorization->credentials,
                                              authorization->expires_at},
                [side = destination, api = *api]() -> Expected<registry::ExpiringCredentials> {
                    auto renewed = fetch_authorization(side, api);
                    if (!renewed)
                        return with_context(renewed.error(), "ECR destination " + side.host);
                    log(LogLevel::info, "renewed the Amazon ECR login", {{"registry", side.host}});
                    return registry::ExpiringCredentials{renewed->credentials, renewed->expires_at};
                });
        destination.registry.chunk_size = registry::ecr_chunk_size(destination.registry.chunk_size);
        log(LogLevel::info, "logged in to Amazon ECR",
            {{"registry", destination.host},
             {"region", api->region},
             {"aws_credentials", aws->source}});
        apis[i] = std::move(*api);
    }
    return apis;
}

}  // namespace regmigrate::engine
