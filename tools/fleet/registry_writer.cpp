#include "tools/fleet/registry_writer.hpp"

#include "tools/fleet/codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <utility>

namespace regmigrate::fleet {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

Error status_error(const HttpResponse& response, const std::string& what) {
    const int status = static_cast<int>(response.result_int());
    ErrorKind kind = ErrorKind::http;
    if (status == 401) {
        kind = ErrorKind::unauthorized;
    } else if (status == 403) {
        kind = ErrorKind::denied;
    } else if (status == 404) {
        kind = ErrorKind::not_found;
    }
    std::string body = response.body().substr(0, 300);
    return make_error(kind, what + ": HTTP " + std::to_string(status) + " " + body, status);
}

// Upload Locations may be absolute URLs or bare paths; we only need path and query,
// plus whatever parameters the caller adds.
Expected<std::string> location_target(
    std::string_view location, std::initializer_list<std::pair<std::string, std::string>> params) {
    auto parsed = boost::urls::parse_uri_reference(location);
    if (!parsed) {
        return make_error(ErrorKind::protocol,
                          "unparsable upload Location '" + std::string(location) + "'");
    }
    boost::urls::url url(*parsed);
    for (const auto& [key, value] : params) {
        url.params().set(key, value);
    }
    return std::string(url.encoded_target());
}

HttpRequest make_request(http::verb method, std::string target) {
    HttpRequest request{method, target, 11};
    request.set(http::field::user_agent, "regmigrate-fleet");
    return request;
}

}  // namespace

RegistryWriter::RegistryWriter(WriterOptions options)
    : options_(std::move(options)),
      authorization_(options_.username.empty()
                         ? std::string()
                         : "Basic " + base64_encode(options_.username + ":" + options_.password)),
      connection_(split_host_port(options_.registry).value(), options_.timeout) {}

Expected<HttpResponse> RegistryWriter::send(HttpRequest request) {
    if (!authorization_.empty()) {
        request.set(http::field::authorization, authorization_);
    }
    return connection_.send(std::move(request));
}

Expected<std::string> RegistryWriter::start_upload(std::string_view repository) {
    const std::string what = "starting upload to " + std::string(repository);
    auto response =
        send(make_request(http::verb::post, "/v2/" + std::string(repository) + "/blobs/uploads/"));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() != http::status::accepted) {
        return status_error(*response, what);
    }
    return std::string((*response)[http::field::location]);
}

Expected<std::string> RegistryWriter::finish_upload(const std::string& location,
                                                    const std::string& digest, std::string body) {
    const std::string what = "completing upload of " + digest;
    auto target = location_target(location, {{"digest", digest}});
    if (!target) {
        return target.error();
    }
    auto request = make_request(http::verb::put, *target);
    request.set(http::field::content_type, "application/octet-stream");
    request.body() = std::move(body);
    auto response = send(std::move(request));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() != http::status::created) {
        return status_error(*response, what);
    }
    return digest;
}

Expected<std::string> RegistryWriter::push_blob(std::string_view repository,
                                                std::string_view bytes) {
    auto location = start_upload(repository);
    if (!location) {
        return location.error();
    }
    return finish_upload(*location, sha256_digest(bytes), std::string(bytes));
}

Expected<std::string> RegistryWriter::push_blob_stream(std::string_view repository,
                                                       std::uint64_t size,
                                                       const ByteGenerator& generator) {
    auto location = start_upload(repository);
    if (!location) {
        return location.error();
    }
    Sha256 hasher;
    std::string chunk;
    for (std::uint64_t offset = 0; offset < size;) {
        const std::size_t length =
            static_cast<std::size_t>(std::min<std::uint64_t>(options_.chunk_size, size - offset));
        chunk.resize(length);
        generator(chunk.data(), length);
        hasher.update(chunk);
        auto target = location_target(*location, {});
        if (!target) {
            return target.error();
        }
        auto request = make_request(http::verb::patch, *target);
        request.set(http::field::content_type, "application/octet-stream");
        request.set(http::field::content_range,
                    std::to_string(offset) + "-" + std::to_string(offset + length - 1));
        request.body() = std::move(chunk);
        const std::string what = "uploading chunk at " + std::to_string(offset);
        auto response = send(std::move(request));
        if (!response) {
            return with_context(response.error(), what);
        }
        if (response->result() != http::status::accepted) {
            return status_error(*response, what);
        }
        // Each PATCH reply names where the next one goes.
        location = std::string((*response)[http::field::location]);
        offset += length;
        chunk = std::string();
    }
    return finish_upload(*location, hasher.finish(), std::string());
}

Expected<bool> RegistryWriter::mount_blob(std::string_view repository, std::string_view digest,
                                          std::string_view from_repository) {
    const std::string what = "mounting " + std::string(digest) + " into " + std::string(repository);
    boost::urls::url url("/v2/" + std::string(repository) + "/blobs/uploads/");
    url.params().set("mount", digest);
    url.params().set("from", from_repository);
    auto response = send(make_request(http::verb::post, std::string(url.encoded_target())));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() == http::status::created) {
        return true;
    }
    if (response->result() != http::status::accepted) {
        return status_error(*response, what);
    }
    auto target = location_target((*response)[http::field::location], {});
    if (!target) {
        return target.error();
    }
    auto cancelled = send(make_request(http::verb::delete_, *target));
    if (!cancelled) {
        return with_context(cancelled.error(), what);
    }
    return false;
}

Expected<bool> RegistryWriter::blob_exists(std::string_view repository, std::string_view digest) {
    const std::string what = "checking blob " + std::string(digest);
    auto response = send(make_request(
        http::verb::head, "/v2/" + std::string(repository) + "/blobs/" + std::string(digest)));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() == http::status::ok) {
        return true;
    }
    if (response->result() == http::status::not_found) {
        return false;
    }
    return status_error(*response, what);
}

Expected<std::string> RegistryWriter::push_manifest(std::string_view repository,
                                                    std::string_view reference,
                                                    std::string_view media_type,
                                                    std::string_view bytes) {
    const std::string what =
        "pushing manifest " + std::string(repository) + ":" + std::string(reference);
    auto request = make_request(
        http::verb::put, "/v2/" + std::string(repository) + "/manifests/" + std::string(reference));
    request.set(http::field::content_type, media_type);
    request.body() = std::string(bytes);
    auto response = send(std::move(request));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() != http::status::created) {
        return status_error(*response, what);
    }
    const std::string expected = sha256_digest(bytes);
    const std::string reported((*response)["Docker-Content-Digest"]);
    if (!reported.empty() && reported != expected) {
        return make_error(ErrorKind::digest_mismatch,
                          what + ": registry reports " + reported + ", content is " + expected);
    }
    return expected;
}

Expected<StoredManifest> RegistryWriter::get_manifest(std::string_view repository,
                                                      std::string_view reference) {
    const std::string what =
        "reading manifest " + std::string(repository) + ":" + std::string(reference);
    auto request = make_request(
        http::verb::get, "/v2/" + std::string(repository) + "/manifests/" + std::string(reference));
    request.set(http::field::accept, kManifestAccept);
    auto response = send(std::move(request));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() != http::status::ok) {
        return status_error(*response, what);
    }
    StoredManifest manifest{std::string((*response)[http::field::content_type]),
                            std::move(response->body()), std::string()};
    manifest.digest = sha256_digest(manifest.bytes);
    const std::string reported((*response)["Docker-Content-Digest"]);
    if (!reported.empty() && reported != manifest.digest) {
        return make_error(ErrorKind::digest_mismatch, what + ": registry reports " + reported +
                                                          ", content is " + manifest.digest);
    }
    return manifest;
}

Expected<std::vector<std::string>> RegistryWriter::list_tags(std::string_view repository) {
    const std::string what = "listing tags of " + std::string(repository);
    auto response =
        send(make_request(http::verb::get, "/v2/" + std::string(repository) + "/tags/list"));
    if (!response) {
        return with_context(response.error(), what);
    }
    if (response->result() != http::status::ok) {
        return status_error(*response, what);
    }
    boost::system::error_code ec;
    const boost::json::value document = boost::json::parse(response->body(), ec);
    const boost::json::object* object = ec ? nullptr : document.if_object();
    if (object == nullptr) {
        return make_error(ErrorKind::protocol, what + ": reply is not a JSON object");
    }
    std::vector<std::string> tags;
    if (const auto* list = object->if_contains("tags"); list != nullptr && list->is_array()) {
        for (const auto& tag : list->get_array()) {
            if (tag.is_string()) {
                tags.emplace_back(tag.get_string());
            }
        }
    }
    return tags;
}

}  // namespace regmigrate::fleet
