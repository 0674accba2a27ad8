#include "tests/support/schema1_push.hpp"

#include "tests/support/http_fetch.hpp"
#include "tools/fleet/registry_writer.hpp"

namespace regmigrate::testing {

Expected<std::string> push_schema1_image(const std::string& registry_host,
                                         const Schema1TestImage& image) {
    fleet::RegistryWriter writer({registry_host});
    for (const auto& blob : image.blobs) {
        auto pushed = writer.push_blob(image.name, blob);
        if (!pushed)
            return pushed.error();
    }
    // Not RegistryWriter::push_manifest: it expects the digest of the bytes sent, and a
    // signed schema1 manifest's digest is its payload's.
    FetchRequest request;
    request.method = "PUT";
    request.url = "http://" + registry_host + "/v2/" + image.name + "/manifests/" + image.tag;
    request.headers = {
        {"Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"}};
    request.body = image.bytes;
    auto response = fetch(request);
    if (!response)
        return response.error();
    if (response->status != 201) {
        return make_error(ErrorKind::http,
                          "schema1 push of " + image.name + ":" + image.tag + " answered " +
                              std::to_string(response->status) + ": " + response->body,
                          response->status);
    }
    return response->header("docker-content-digest");
}

}  // namespace regmigrate::testing
