// The options that describe one side (--src-* / --dest-*), shared by every command.
#pragma once

#include "engine/plan/certs_dir.hpp"
#include "engine/plan/registry_side.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace regmigrate::cli {

struct SideFlags {
    std::string tls;         // "" (not given): docker's default, see add_side_flags
    std::string creds;       // USER:PASS; never echoed
    std::string creds_file;  // --src-creds-file/--dest-creds-file: FILE, or "-" for stdin
    std::string proxy;       // --proxy (both sides): URL or "none"; "": the environment decides
    // --allow-plain-http-credentials (one flag for both sides).
    bool allow_plain_http_credentials = false;
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

// --src-tls/--dest-tls, --src-creds/--dest-creds, --src-creds-file/--dest-creds-file,
// --certs-dir, --allow-plain-http-credentials, --proxy.
void add_side_flags(CLI::App& command, CommonFlags& flags, bool with_destination);
// Before the sides are made: warns (one line each, never the value) when a password was
// given in argv, where `ps` and shell history show it, then reads each creds file (or
// standard input for "-") into its side's creds. Usage errors (exit 2): both sides on
// standard input, a file that cannot be read (named), contents that are not USER:PASS.
Expected<void> load_credential_files(CommonFlags& flags);
void add_output_flags(CLI::App& command, CommonFlags& flags);
// --referrers and --referrers-artifact-type TYPE (repeatable; implies --referrers).
void add_referrer_flags(CLI::App& command, bool& referrers, std::vector<std::string>& types);
// --schema1 keep|convert|auto.
void add_schema1_flag(CLI::App& command, std::string& mode);
// --image-parallelism; `bound` names the flag that bounds all transfers (--jobs, --max-transfers).
void add_image_parallelism_flag(CLI::App& command, std::size_t& parallelism,
                                const std::string& bound);

// --proxy as a side's proxy rules; nothing when the flag was not given.
Expected<std::optional<transport::ProxyRules>> proxy_flag(const SideFlags& flags);

// The side for host, from its flags and the certificate directory. Credentials: the flag,
// else creds_variable (REGMIGRATE_SRC_CREDS / REGMIGRATE_DEST_CREDS), else docker's
// config.json and credential helpers, else anonymous (registry::resolve_credentials).
Expected<engine::RegistrySide> make_side(const std::string& host, const SideFlags& flags,
                                         const std::string& certs_dir, const char* creds_variable);

}  // namespace regmigrate::cli
