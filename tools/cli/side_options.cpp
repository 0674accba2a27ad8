#include "tools/cli/side_options.hpp"

#include "engine/plan/certs_dir.hpp"
#include "registry/auth/credential_resolution.hpp"
#include "transport/log.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace regmigrate::cli {

void add_side_flags(CLI::App& command, CommonFlags& flags, bool with_destination) {
    const auto tls_modes = CLI::IsMember({"enabled", "insecure", "disabled"});
    command
        .add_option("--src-tls", flags.source.tls,
                    "TLS towards the source: enabled, insecure (no verification) or "
                    "disabled (plain HTTP). Default: enabled, except for registries on "
                    "127.0.0.0/8, ::1 or localhost, which get TLS without verification "
                    "and plain HTTP when TLS fails (as docker does)")
        ->check(tls_modes);
    auto* src_creds = command.add_option(
        "--src-creds", flags.source.creds,
        "USER:PASSWORD for the source (visible in ps: prefer --src-creds-file); else "
        "REGMIGRATE_SRC_CREDS, else docker's config.json ($DOCKER_CONFIG or ~/.docker) and its "
        "credential helpers");
    command
        .add_option("--src-creds-file", flags.source.creds_file,
                    "read the source's USER:PASSWORD from FILE, or from standard input for '-' "
                    "(one line; a trailing newline is dropped)")
        ->excludes(src_creds);
    if (with_destination) {
        command
            .add_option("--dest-tls", flags.destination.tls,
                        "TLS towards the destination (same values and default)")
            ->check(tls_modes);
        auto* dest_creds = command.add_option(
            "--dest-creds", flags.destination.creds,
            "USER:PASSWORD for the destination (visible in ps: prefer --dest-creds-file); else "
            "REGMIGRATE_DEST_CREDS, else docker's config.json");
        command
            .add_option("--dest-creds-file", flags.destination.creds_file,
                        "read the destination's USER:PASSWORD from FILE, or from standard input "
                        "for '-'")
            ->excludes(dest_creds);
    }
    command.add_flag_callback(
        "--allow-plain-http-credentials",
        [&flags] {
            flags.source.allow_plain_http_credentials = true;
            flags.destination.allow_plain_http_credentials = true;
        },
        "send passwords (Basic auth, token requests) over plain HTTP to registries and token "
        "realms that are not on loopback; refused without this flag, warned once with it");
    command.add_option_function<std::string>(
        "--proxy",
        [&flags](const std::string& proxy) {
            flags.source.proxy = proxy;
            flags.destination.proxy = proxy;
        },
        "HTTP forward proxy for both sides, http://[USER:PASSWORD@]HOST:PORT, or none; "
        "overrides HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and applies to loopback registries too");
    command
        .add_option("--certs-dir", flags.certs_dir,
                    "per-registry certificates: DIR/HOST[:PORT]/{*.crt,*.cert,*.key}")
        ->capture_default_str();
}

namespace {

Expected<void> load_credential_file(SideFlags& side, const char* flag) {
    if (!side.creds.empty()) {
        log(LogLevel::warn, std::string(flag) +
                                " puts the password in the process list and shell history; "
                                "prefer " +
                                flag + "-file FILE (or - for standard input)");
    }
    if (side.creds_file.empty())
        return {};
    const std::string origin = std::string(flag) + "-file " + side.creds_file;
    std::string contents;
    if (side.creds_file == "-") {
        contents.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (std::cin.bad())
            return make_error(ErrorKind::invalid_argument, origin + ": cannot read standard input");
    } else {
        std::ifstream file(side.creds_file, std::ios::binary);
        if (file)
            contents.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        if (!file || file.bad()) {
            return make_error(ErrorKind::invalid_argument,
                              origin + ": cannot read it: " + std::strerror(errno));
        }
    }
    auto credentials = registry::parse_credentials_file(contents, origin);
    if (!credentials)
        return credentials.error();
    side.creds = credentials->username + ":" + credentials->password;
    return {};
}

}  // namespace

Expected<void> load_credential_files(CommonFlags& flags) {
    if (flags.source.creds_file == "-" && flags.destination.creds_file == "-") {
        return make_error(ErrorKind::invalid_argument,
                          "--src-creds-file and --dest-creds-file cannot both read standard "
                          "input: give one of them a file");
    }
    if (auto loaded = load_credential_file(flags.source, "--src-creds"); !loaded)
        return loaded;
    return load_credential_file(flags.destination, "--dest-creds");
}

void add_referrer_flags(CLI::App& command, bool& referrers, std::vector<std::string>& types) {
    command.add_flag("--referrers", referrers,
                     "copy the artifacts attached to each image (signatures, attestations, "
                     "SBOMs): referrers API, else sha256-<hex> / .sig / .att / .sbom tags");
    command.add_option("--referrers-artifact-type", types,
                       "only referrers of this artifactType (repeatable; implies --referrers)");
}

void add_schema1_flag(CLI::App& command, std::string& mode) {
    command
        .add_option("--schema1", mode,
                    "signed schema1 images: keep (copy as is), convert (to schema2), or auto "
                    "(keep; convert where the destination refuses schema1; the default)")
        ->check(CLI::IsMember({"keep", "convert", "auto"}));
}

void add_image_parallelism_flag(CLI::App& command, std::size_t& parallelism,
                                const std::string& bound) {
    command
        .add_option("--image-parallelism", parallelism,
                    "blobs of one image (and platforms of an index) moved at once, within " + bound)
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
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
    if (flags.proxy.empty())
        return std::optional<transport::ProxyRules>{};
    auto rules = transport::parse_proxy_choice(flags.proxy);
    if (!rules)
        return with_context(rules.error(), "--proxy");
    return std::optional<transport::ProxyRules>{std::move(*rules)};
}

Expected<engine::RegistrySide> make_side(const std::string& host, const SideFlags& flags,
                                         const std::string& certs_dir, const char* creds_variable) {
    engine::RegistrySide side;
    side.host = host;
    side.tls.mode = transport::TlsMode::automatic;
    if (!flags.tls.empty()) {
        auto mode = transport::parse_tls_mode(flags.tls);
        if (!mode)
            return mode.error();
        side.tls.mode = *mode;
    }
    auto tls = engine::apply_certs_dir(side.tls, certs_dir, host);
    if (!tls)
        return tls.error();
    side.tls = std::move(*tls);
    auto proxy = proxy_flag(flags);
    if (!proxy)
        return proxy.error();
    side.proxy = std::move(*proxy);
    registry::Credentials given;
    if (!flags.creds.empty()) {
        auto parsed = registry::parse_credentials(flags.creds, "credentials flag");
        if (!parsed)
            return parsed.error();
        given = std::move(*parsed);
    }
    auto credentials = registry::resolve_credentials(given, creds_variable, host);
    if (!credentials)
        return credentials.error();
    side.credentials = std::move(*credentials);
    side.registry.allow_plain_http_credentials = flags.allow_plain_http_credentials;
    return side;
}

}  // namespace regmigrate::cli
