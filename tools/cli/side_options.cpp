#include "tools/cli/side_options.hpp"

#include "engine/certs_dir.hpp"
#include "registry/credential_resolution.hpp"

namespace regmigrate::cli {

void add_side_flags(CLI::App& command, CommonFlags& flags, bool with_destination) {
    const auto tls_modes = CLI::IsMember({"enabled", "insecure", "disabled"});
    command.add_option("--src-tls", flags.source.tls,
                       "TLS towards the source: enabled, insecure (no verification) or "
                       "disabled (plain HTTP). Default: enabled, except for registries on "
                       "127.0.0.0/8, ::1 or localhost, which get TLS without verification "
                       "and plain HTTP when TLS fails (as docker does)")
        ->check(tls_modes);
    command.add_option("--src-creds", flags.source.creds,
                       "USER:PASSWORD for the source; else REGMIGRATE_SRC_CREDS, else docker's "
                       "config.json ($DOCKER_CONFIG or ~/.docker) and its credential helpers");
    if (with_destination) {
        command.add_option("--dest-tls", flags.destination.tls,
                           "TLS towards the destination (same values and default)")
            ->check(tls_modes);
        command.add_option("--dest-creds", flags.destination.creds,
                           "USER:PASSWORD for the destination; else REGMIGRATE_DEST_CREDS, "
                           "else docker's config.json");
    }
    command.add_option_function<std::string>(
        "--proxy",
        [&flags](const std::string& proxy) {
            flags.source.proxy = proxy;
            flags.destination.proxy = proxy;
        },
        "HTTP forward proxy for both sides, http://[USER:PASSWORD@]HOST:PORT, or none; "
        "overrides HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and applies to loopback registries too");
    command.add_option("--certs-dir", flags.certs_dir,
                       "per-registry certificates: DIR/HOST[:PORT]/{*.crt,*.cert,*.key}")
        ->capture_default_str();
}

void add_referrer_flags(CLI::App& command, bool& referrers, std::vector<std::string>& types) {
    command.add_flag("--referrers", referrers,
                     "copy the artifacts attached to each image (signatures, attestations, "
                     "SBOMs): referrers API, else sha256-<hex> / .sig / .att / .sbom tags");
    command.add_option("--referrers-artifact-type", types,
                       "only referrers of this artifactType (repeatable; implies --referrers)");
}

void add_output_flags(CLI::App& command, CommonFlags& flags) {
    command.add_option("--log-format", flags.log_format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    command.add_option("--report", flags.report, "write a JSON report of every image to FILE");
    command.add_option("--metrics-addr", flags.metrics_addr,
                       "serve Prometheus metrics on HOST:PORT/metrics while running");
    command.add_option("--metrics-file", flags.metrics_file,
                       "write the final metrics in text exposition format to FILE");
    command.add_option("--pushgateway", flags.pushgateway,
                       "push the final metrics to this Pushgateway URL (job regmigrate)");
}

Expected<std::optional<transport::ProxyRules>> proxy_flag(const SideFlags& flags) {
    if (flags.proxy.empty()) return std::optional<transport::ProxyRules>{};
    auto rules = transport::parse_proxy_choice(flags.proxy);
    if (!rules) return with_context(rules.error(), "--proxy");
    return std::optional<transport::ProxyRules>{std::move(*rules)};
}

Expected<engine::RegistrySide> make_side(const std::string& host, const SideFlags& flags,
                                         const std::string& certs_dir,
                                         const char* creds_variable) {
    engine::RegistrySide side;
    side.host = host;
    side.tls.mode = transport::TlsMode::automatic;
    if (!flags.tls.empty()) {
        auto mode = transport::parse_tls_mode(flags.tls);
        if (!mode) return mode.error();
        side.tls.mode = *mode;
    }
    auto tls = engine::apply_certs_dir(side.tls, certs_dir, host);
    if (!tls) return tls.error();
    side.tls = std::move(*tls);
    auto proxy = proxy_flag(flags);
    if (!proxy) return proxy.error();
    side.proxy = std::move(*proxy);
    registry::Credentials given;
    if (!flags.creds.empty()) {
        auto parsed = registry::parse_credentials(flags.creds, "credentials flag");
        if (!parsed) return parsed.error();
        given = std::move(*parsed);
    }
    auto credentials = registry::resolve_credentials(given, creds_variable, host);
    if (!credentials) return credentials.error();
    side.credentials = std::move(*credentials);
    return side;
}

}  // namespace regmigrate::cli
