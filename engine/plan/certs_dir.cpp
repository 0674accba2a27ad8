#include "engine/plan/certs_dir.hpp"

#include <filesystem>

namespace regmigrate::engine {

namespace fs = std::filesystem;

Expected<transport::TlsOptions> apply_certs_dir(transport::TlsOptions options,
                                                const std::string& certs_dir,
                                                const std::string& host) {
    const fs::path dir = fs::path(certs_dir) / host;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return options;
    bool has_ca = false;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto& path = entry.path();
        if (path.extension() == ".crt")
            has_ca = true;
        if (path.extension() != ".cert" || !options.client_cert.empty())
            continue;
        fs::path key = path;
        key.replace_extension(".key");
        if (!fs::exists(key, ec)) {
            return make_error(ErrorKind::invalid_argument, "client certificate \"" + path.string() +
                                                               "\" has no matching \"" +
                                                               key.filename().string() + "\"");
        }
        options.client_cert = path.string();
        options.client_key = key.string();
    }
    if (ec) {
        return make_error(ErrorKind::invalid_argument,
                          "certificate directory \"" + dir.string() + "\": " + ec.message());
    }
    if (has_ca && options.ca_dir.empty())
        options.ca_dir = dir.string();
    return options;
}

}  // namespace regmigrate::engine
