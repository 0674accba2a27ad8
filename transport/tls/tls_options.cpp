#include "transport/tls/tls_options.hpp"

#include "transport/tls/system_trust.hpp"
#include "transport/tls/tls_session_cache.hpp"

#include <filesystem>
#include <system_error>

namespace regmigrate::transport {

namespace ssl = boost::asio::ssl;

Expected<TlsMode> parse_tls_mode(std::string_view text) {
    if (text == "enabled")
        return TlsMode::enabled;
    if (text == "insecure")
        return TlsMode::insecure;
    if (text == "disabled")
        return TlsMode::disabled;
    return make_error(
        ErrorKind::invalid_argument,
        "invalid TLS mode \"" + std::string(text) + "\": expected enabled, insecure or disabled");
}

std::string_view to_string(TlsMode mode) {
    switch (mode) {
        case TlsMode::enabled:
            return "enabled";
        case TlsMode::insecure:
            return "insecure";
        case TlsMode::disabled:
            return "disabled";
        case TlsMode::automatic:
            return "auto";
    }
    return "enabled";
}

namespace {

Error file_error(std::string_view what, const std::string& path,
                 const boost::system::error_code& ec) {
    return make_error(ErrorKind::invalid_argument,
                      std::string(what) + " \"" + path + "\": " + ec.message());
}

// Loads every *.crt / *.pem in a directory: docker's certs.d layout is not hashed.
Expected<void> add_ca_directory(ssl::context& ctx, const std::string& dir) {
    std::error_code fs_ec;
    std::filesystem::directory_iterator it(dir, fs_ec);
    if (fs_ec) {
        return make_error(ErrorKind::invalid_argument,
                          "CA directory \"" + dir + "\": " + fs_ec.message());
    }
    for (const auto& entry : it) {
        const auto ext = entry.path().extension();
        if (ext != ".crt" && ext != ".pem")
            continue;
        boost::system::error_code ec;
        ctx.load_verify_file(entry.path().string(), ec);
        if (ec)
            return file_error("CA file", entry.path().string(), ec);
    }
    return {};
}

}  // namespace

Expected<std::shared_ptr<ssl::context>> make_tls_context(const TlsOptions& options) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    add_system_trust(SSL_CTX_get_cert_store(ctx->native_handle()));
    boost::system::error_code ec;
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec)
            return file_error("CA file", options.ca_file, ec);
    }
    if (!options.ca_dir.empty()) {
        auto added = add_ca_directory(*ctx, options.ca_dir);
        if (!added)
            return added.error();
    }
    if (options.client_cert.empty() != options.client_key.empty()) {
        return make_error(ErrorKind::invalid_argument,
                          "a client certificate needs both a certificate and a key file");
    }
    if (!options.client_cert.empty()) {
        ctx->use_certificate_chain_file(options.client_cert, ec);
        if (ec)
            return file_error("client certificate", options.client_cert, ec);
        ctx->use_private_key_file(options.client_key, ssl::context::pem, ec);
        if (ec)
            return file_error("client key", options.client_key, ec);
    }
    ctx->set_verify_mode(options.mode == TlsMode::insecure ? ssl::verify_none : ssl::verify_peer);
    TlsSessionCache::enable_on(ctx->native_handle());
    return ctx;
}

}  // namespace regmigrate::transport
