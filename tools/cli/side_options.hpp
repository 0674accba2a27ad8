// The options that describe one side (--src-* / --dest-*), shared by every command.
#pragma once

#include "engine/certs_dir.hpp"
#include "engine/registry_side.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace regmigrate::cli {

struct SideFlags {
    std::string tls;    // "" (not given): docker's default, see add_side_flags
    std::string creds;  // USER:PASS; never echoed
    std::string proxy;  // --proxy (both sides): URL or "none"; "": the environment decides
};

struct CommonFlags {
    SideFlags source;
    SideFlags destination;
    std::string certs_dir = engine::default_certs_dir;
    std::string log_format = "text";
    std::string report;
    std::string metrics_addr;
    std::string metrics_file;
    std::string pushgateway;
    // Pushgateway grouping labels besides job="regmigrate" (sync/verify --shard: shard="I").
    std::map<std::string, std::string> pushgateway_grouping;
    std::size_t jobs = 8;
};

// --src-tls/--dest-tls, --src-creds/--dest-creds, --certs-dir, --proxy.
void add_side_flags(CLI::App& command, CommonFlags& flags, bool with_destination);
void add_output_flags(CLI::App& command, CommonFlags& flags);
// --referrers and --referrers-artifact-type TYPE (repeatable; implies --referrers).
void add_referrer_flags(CLI::App& command, bool& referrers, std::vector<std::string>& types);

// --proxy as a side's proxy rules; nothing when the flag was not given.
Expected<std::optional<transport::ProxyRules>> proxy_flag(const SideFlags& flags);

// The side for host, from its flags and the certificate directory. Credentials: the flag,
// else creds_variable (REGMIGRATE_SRC_CREDS / REGMIGRATE_DEST_CREDS), else docker's
// config.json and credential helpers, else anonymous (registry::resolve_credentials).
Expected<engine::RegistrySide> make_side(const std::string& host, const SideFlags& flags,
                                         const std::string& certs_dir,
                                         const char* creds_variable);

}  // namespace regmigrate::cli
