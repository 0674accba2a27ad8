#include "tests/support/registry_config.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace regmigrate::testing {

namespace json = boost::json;

std::string render_registry_config(const RegistryOptions& options, std::uint16_t port,
                                   const std::filesystem::path& storage_dir,
                                   const std::filesystem::path& htpasswd_file) {
    json::object http{{"addr", "127.0.0.1:" + std::to_string(port)},
                      // Fixed, so upload state survives a restart on the same storage.
                      {"secret", "regmigrate-test-secret"}};
    if (options.tls) {
        json::object tls{{"certificate", options.tls->certificate.string()},
                         {"key", options.tls->key.string()}};
        if (!options.tls->client_cas.empty()) {
            json::array cas;
            for (const auto& ca : options.tls->client_cas) {
                cas.emplace_back(ca.string());
            }
            tls["clientcas"] = std::move(cas);
        }
        http["tls"] = std::move(tls);
    }
    json::object config{
        {"version", "0.1"},
        {"log", json::object{{"level", "warn"},
                             {"accesslog", json::object{{"disabled", !options.access_log}}}}},
        {"storage",
         json::object{
             {"filesystem", json::object{{"rootdirectory", storage_dir.string()}}},
             {"delete", json::object{{"enabled", options.deletes}}},
             // Background purging would race tests that leave uploads open on purpose.
             {"maintenance", json::object{{"uploadpurging", json::object{{"enabled", false}}}}}}},
        {"http", std::move(http)}};
    if (options.schema1) {
        config["compatibility"] = json::object{{"schema1", json::object{{"enabled", true}}}};
    }
    if (options.token) {
        config["auth"] = json::object{
            {"token", json::object{{"realm", options.token->realm},
                                   {"service", options.token->service},
                                   {"issuer", options.token->issuer},
                                   {"rootcertbundle", options.token->root_cert_bundle.string()}}}};
    } else if (!options.htpasswd_users.empty()) {
        config["auth"] = json::object{{"htpasswd", json::object{{"realm", "regmigrate-test"},
                                                                {"path", htpasswd_file.string()}}}};
    }
    return json::serialize(config);
}

}  // namespace regmigrate::testing
