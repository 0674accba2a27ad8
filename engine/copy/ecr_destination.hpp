// Amazon ECR destinations of a sync run: which destinations are ECR, where their API is,
// and the login done once before the run (GetAuthorizationToken → Basic credentials).
#pragma once

#include "engine/plan/sync_plan.hpp"
#include "registry/ecr/aws_credentials.hpp"
#include "registry/ecr/ecr_api.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace regmigrate::engine {

// A side's own ECR settings, else defaults when its host is an ECR registry's; nullopt
// for any other registry.
std::optional<EcrSettings> ecr_settings_of(const RegistrySide& side);

// Where and as whom to call the ECR API for side. Region: the settings', else the host's,
// else the AWS settings'; none is an invalid_argument error saying what to set.
Expected<registry::EcrApiOptions> ecr_api_options(const RegistrySide& side, const EcrSettings& ecr,
                                                  const registry::AwsSettings& aws);

// An HTTP client for the ECR API on executor: TLS unless the endpoint is http://; the
// side's timeouts and forward proxies.
Expected<std::shared_ptr<transport::HttpClient>> ecr_http_client(
    const registry::EcrApiOptions& api, const RegistrySide& side,
    boost::asio::any_io_executor executor);

// Per pair of a plan: the API options of its ECR destination, nullopt for other ones.
using EcrApis = std::vector<std::optional<registry::EcrApiOptions>>;

// Logs in to each ECR destination of plan (AWS settings from load_aws_settings) and sets
// its credentials and ECR's minimum chunk size. Missing AWS settings are invalid_argument.
Expected<EcrApis> prepare_ecr_destinations(SyncPlan& plan);

}  // namespace regmigrate::engine
