#include "engine/run/preflight.hpp"

#include "engine/copy/bounded_parallel.hpp"
#include "engine/copy/ecr_destination.hpp"
#include "engine/layout/layout_sync.hpp"
#include "engine/run/failure_cause.hpp"
#include "engine/run/run_to_completion.hpp"
#include "transport/log.hpp"

#include <boost/asio/this_coro.hpp>

#include <unistd.h>

#include <set>
#include <utility>

namespace regmigrate::engine {

namespace asio = boost::asio;

namespace {

std::string role_name(PreflightRole role) {
    return role == PreflightRole::source ? "source" : "destination";
}

// Who the side authenticates as, never with what.
std::string user_of(const RegistrySide& side) {
    if (!side.credentials.username.empty())
        return side.credentials.username;
    if (!side.credentials.identity_token.empty())
        return "the identity token";
    if (side.registry.renewable_credentials)
        return "the AWS login";
    return {};
}

// The message without the registry's name in front (the line names it already).
std::string_view without_host(std::string_view message, std::string_view host) {
    if (!host.empty() && message.starts_with(host)) {
        message.remove_prefix(host.size());
        while (!message.empty() && (message.front() == ':' || message.front() == ' '))
            message.remove_prefix(1);
    }
    return message;
}

PreflightTarget registry_target(PreflightRole role, const RegistrySide& side) {
    PreflightTarget target;
    target.role = role;
    target.side = side;
    target.layout = layout_directory(side);
    return target;
}

// The nearest directory of path that exists (path itself when it does).
std::filesystem::path nearest_existing(std::filesystem::path path) {
    std::error_code ec;
    while (!path.empty() && !std::filesystem::exists(path, ec)) {
        const auto parent = path.parent_path();
        if (parent == path)
            break;
        path = parent;
    }
    return path.empty() ? std::filesystem::path(".") : path;
}

// Opens an upload session with push scope and cancels it: push is allowed. A repository
// the registry does not know yet (ECR before its creation: NAME_UNKNOWN) passed
// authorization all the same.
asio::awaitable<Expected<void>> prove_push(registry::RegistryClient& client,
                                           const std::string& repository) {
    auto session = co_await client.start_upload(repository);
    if (!session) {
        if (session.error().kind == ErrorKind::not_found)
            co_return Expected<void>{};
        co_return session.error();
    }
    co_await client.cancel_upload(repository, *session);
    co_return Expected<void>{};
}

// One registry's checks: the line to print when one failed, and the API found.
struct TargetOutcome {
    std::optional<std::string> failure;
    std::optional<RegistryApi> api;
};

asio::awaitable<TargetOutcome> check_registry(const PreflightTarget& target,
                                              const PreflightSettings& settings,
                                              metrics::Metrics& metrics) {
    TargetOutcome outcome;
    const auto failed = [&](const Error& error, bool push) {
        outcome.failure = describe_preflight_failure(target, error, push, settings.certs_dir);
        return outcome;
    };
    RegistrySide side = target.side;
    // One attempt per request: the check is to say in one line what is wrong, not to wait
    // for it (each retry would log a line of its own).
    side.registry.retry = nullptr;
    if (!target.authorize)
        side.credentials = {};
    auto connected = connect(side, co_await asio::this_coro::executor, metrics);
    if (!connected)
        co_return failed(connected.error(), false);
    const std::unique_ptr<registry::RegistryClient> client = std::move(*connected);
    if (target.detect_api) {
        auto probe = co_await probe_registry_api(client->http(), client->host());
        if (!probe)
            co_return failed(probe.error(), false);
        outcome.api = probe->api;
        // v1: its /v1/_ping answered. v2 without a challenge: nothing more to prove. Neither
        // (a 503 of the moment, or no registry at all): the run takes it for v2, and the
        // preflight's own GET /v2/ below says which.
        if (!settings.enabled || probe->api == RegistryApi::v1 || probe->v2_status == 200)
            co_return outcome;
    }
    auto pinged = co_await client->ping();
    if (!pinged) {
        // Not logged in yet: an answer of any kind shows the registry is reached.
        const bool reached = !target.authorize && pinged.error().http_status != 0;
        co_return reached ? outcome : failed(pinged.error(), false);
    }
    if (target.detect_api)
        outcome.api = RegistryApi::v2;
    if (target.role == PreflightRole::destination && target.authorize &&
        !target.push_repository.empty()) {
        auto pushed = co_await prove_push(*client, target.push_repository);
        if (!pushed)
            co_return failed(pushed.error(), true);
    }
    co_return outcome;
}

// Every registry target's outcome, checked at once on one loop; layouts are left out.
// Disabled, only the targets that detect an API are asked, and only that.
std::vector<TargetOutcome> check_registries(const std::vector<PreflightTarget>& targets,
                                            const PreflightSettings& settings) {
    metrics::Metrics scratch;  // preflight requests are not the run's traffic
    std::vector<TargetOutcome> outcomes(targets.size());
    auto checks = [&](asio::any_io_executor) -> asio::awaitable<Expected<void>> {
        const IndexedWork check = [&](std::size_t i) -> asio::awaitable<Expected<void>> {
            const PreflightTarget& target = targets[i];
            if (target.layout || (!settings.enabled && !target.detect_api))
                co_return Expected<void>{};
            try {
                outcomes[i] = co_await check_registry(target, settings, scratch);
            } catch (...) {
                // A library threw past the check's own handling: this registry failed.
                outcomes[i].failure =
                    error_from_current_exception("preflight of " + describe_target(target)).message;
            }
            co_return Expected<void>{};
        };
        co_return co_await for_each_bounded(targets.size(), targets.size(), check);
    };
    if (auto ran = run_to_completion<void>(checks, "preflight"); !ran) {
        for (auto& outcome : outcomes) {
            if (!outcome.failure)
                outcome.failure = ran.error().message;
        }
    }
    return outcomes;
}

}  // namespace

std::vector<PreflightTarget> preflight_targets(const SyncPlan& plan, bool writes,
                                               bool ecr_logged_in) {
    std::vector<PreflightTarget> targets;
    std::set<std::pair<PreflightRole, std::string>> seen;
    for (std::size_t i = 0; i < plan.pairs.size(); ++i) {
        const SyncPair& pair = plan.pairs[i];
        if (seen.emplace(PreflightRole::source, pair.source.host).second) {
            targets.push_back(registry_target(PreflightRole::source, pair.source));
            targets.back().detect_api = !targets.back().layout && !pair.source_is_docker_hub();
        }
        if (seen.emplace(PreflightRole::destination, pair.destination.host).second) {
            auto target = registry_target(PreflightRole::destination, pair.destination);
            if (writes && !pair.repositories.empty())
                target.push_repository = pair.destination_repository(pair.repositories.front());
            target.authorize = ecr_logged_in || !ecr_settings_of(pair.destination);
            targets.push_back(std::move(target));
        }
    }
    return targets;
}

std::vector<PreflightTarget> preflight_targets(const CopyJob& job) {
    std::vector<PreflightTarget> targets(2);
    targets[0].role = PreflightRole::source;
    targets[1].role = PreflightRole::destination;
    if (job.source_layout) {
        targets[0].layout = job.source_layout->directory;
        targets[0].side.host = "oci:" + job.source_layout->directory;
    } else {
        targets[0].side = job.source_side;
    }
    if (job.destination_layout) {
        targets[1].layout = job.destination_layout->directory;
        targets[1].side.host = "oci:" + job.destination_layout->directory;
    } else {
        targets[1].side = job.destination_side;
        targets[1].push_repository = job.destination.repository;
    }
    return targets;
}

std::string describe_target(const PreflightTarget& target) {
    return role_name(target.role) + " " + target.side.host;
}

std::string describe_preflight_failure(const PreflightTarget& target, const Error& error, bool push,
                                       const std::string& certs_dir) {
    const std::string& host = target.side.host;
    const std::string detail(without_host(error.message, host));
    const std::string user = user_of(target.side);
    std::string cause;
    switch (classify_failure(error)) {
        case FailureCause::dns:
            cause = "host name does not resolve (" + detail + ")";
            break;
        case FailureCause::connection_refused:
            cause = "connection refused (" + detail + ")";
            break;
        case FailureCause::unreachable:
            cause = "unreachable (" + detail + ")";
            break;
        case FailureCause::timeout:
            cause = "no answer in time (" + detail + ")";
            break;
        case FailureCause::tls_untrusted: {
            const std::string result = tls_verify_result(error.message);
            cause = "certificate of " + host +
                    " is not trusted: " + (result.empty() ? detail : result) +
                    " — add its CA under " + certs_dir + "/" + host + "/ca.crt or use --certs-dir";
            break;
        }
        case FailureCause::tls:
            cause = "TLS handshake failed (" + detail + ")";
            break;
        case FailureCause::credentials_refused:
            cause = (user.empty() ? std::string("anonymous access refused, credentials needed")
                                  : "credentials for " + user + " refused") +
                    " (" + detail + ")";
            break;
        case FailureCause::access_denied:
            cause = push ? "no push permission on " + target.push_repository +
                               (user.empty() ? std::string() : " for " + user) + " (" + detail + ")"
                         : "access denied" + (user.empty() ? std::string() : " to " + user) + " (" +
                               detail + ")";
            break;
        case FailureCause::other:
            cause =
                push ? "cannot push to " + target.push_repository + " (" + detail + ")" : detail;
            break;
    }
    return describe_target(target) + ": " + cause;
}

Expected<void> check_layout_directory(const std::filesystem::path& directory, PreflightRole role) {
    std::error_code ec;
    if (role == PreflightRole::source) {
        if (!std::filesystem::is_directory(directory, ec)) {
            return make_error(ErrorKind::io, directory.string() + " is not a directory");
        }
        if (::access(directory.c_str(), R_OK | X_OK) != 0)
            return make_error(ErrorKind::io, directory.string() + " is not readable");
        return {};
    }
    const auto existing = nearest_existing(directory);
    if (!std::filesystem::is_directory(existing, ec)) {
        return make_error(ErrorKind::io, existing.string() + " is not a directory");
    }
    if (::access(existing.c_str(), W_OK | X_OK) != 0)
        return make_error(ErrorKind::io, existing.string() + " is not writable");
    return {};
}

Expected<TargetApis> run_preflight(const std::vector<PreflightTarget>& targets,
                                   const PreflightSettings& settings) {
    const auto outcomes = check_registries(targets, settings);
    TargetApis apis;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const PreflightTarget& target = targets[i];
        apis.push_back(outcomes[i].api);
        if (!settings.enabled)
            continue;
        if (target.layout) {
            if (auto usable = check_layout_directory(*target.layout, target.role); !usable) {
                return make_error(ErrorKind::invalid_argument,
                                  describe_target(target) + ": " + usable.error().message);
            }
            continue;
        }
        if (outcomes[i].failure)
            return make_error(ErrorKind::invalid_argument, "preflight: " + *outcomes[i].failure);
        log(LogLevel::debug, "preflight passed", {{"registry", describe_target(target)}});
    }
    return apis;
}

bool source_speaks_v1(const std::vector<PreflightTarget>& targets, const TargetApis& apis,
                      const std::string& host) {
    for (std::size_t i = 0; i < targets.size() && i < apis.size(); ++i) {
        if (targets[i].role == PreflightRole::source && targets[i].side.host == host)
            return apis[i] == RegistryApi::v1;
    }
    return false;
}

}  // namespace regmigrate::engine
